package dev.pipeline.bench.perf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load generators: closed loop ({@code threads} threads each repeat an operation until
 * the deadline) and open loop (requests due at a fixed rate), recording each latency.
 */
final class Load {

	private Load() {
	}

	/**
	 * One operation; returns how many units of work it did (messages), or a negative
	 * number when it failed.
	 */
	@FunctionalInterface
	interface Operation {

		int run() throws Exception;

	}

	static Result run(int threads, Duration duration, Operation operation) throws InterruptedException {
		AtomicLong units = new AtomicLong();
		AtomicLong failures = new AtomicLong();
		List<long[]> latencies = new ArrayList<>();
		List<Thread> workers = new ArrayList<>();
		long start = System.nanoTime();
		long deadline = start + duration.toNanos();
		for (int t = 0; t < threads; t++) {
			long[] samples = new long[2_000_000 / threads];
			latencies.add(samples);
			Thread worker = new Thread(() -> {
				int count = 0;
				while (System.nanoTime() < deadline) {
					long begin = System.nanoTime();
					int done;
					try {
						done = operation.run();
					}
					catch (Exception ex) {
						done = -1;
					}
					long took = System.nanoTime() - begin;
					if (done < 0) {
						failures.incrementAndGet();
						continue;
					}
					units.addAndGet(done);
					if (count < samples.length) {
						samples[count++] = took;
					}
				}
				samples[samples.length - 1] = -count - 1;
			}, "load-" + t);
			workers.add(worker);
			worker.start();
		}
		for (Thread worker : workers) {
			worker.join();
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		List<Long> all = new ArrayList<>();
		for (long[] samples : latencies) {
			int count = (int) (-samples[samples.length - 1] - 1);
			for (int i = 0; i < Math.min(count, samples.length - 1); i++) {
				all.add(samples[i]);
			}
		}
		long[] sorted = all.stream().mapToLong(Long::longValue).toArray();
		Arrays.sort(sorted);
		return new Result(units.get() / seconds, failures.get(), sorted);
	}

	/**
	 * One request of an open loop.
	 */
	@FunctionalInterface
	interface Scheduled {

		/**
		 * Sends one request.
		 * @param intended when it was due ({@link System#nanoTime()}), which latencies
		 * count from
		 * @return {@code true} when it succeeded
		 */
		boolean run(long intended) throws Exception;

	}

	/**
	 * Open-loop load, as a load balancer sends it: requests fall due every {@code 1/rate}
	 * seconds whatever the answers take, and go out over at most {@code connections}
	 * kept-alive connections; a request due while all of them are busy waits for the next
	 * free one. Latencies count from when each request was due, so that waiting for a
	 * connection counts (no coordinated omission).
	 * <p>
	 * An earlier version sent each request on its own as it fell due: the HTTP client
	 * then opened a connection for each one still in flight, thousands of them, and spent
	 * more CPU than the API (130% of a core against 23%), so it measured itself.
	 * @param rate requests per second
	 * @param duration how long requests fall due
	 * @param connections the most requests in flight
	 * @param request sends one request
	 * @return the rate reached and every latency from due to answer
	 */
	static Result openLoop(double rate, Duration duration, int connections, Scheduled request)
			throws InterruptedException {
		long total = Math.round(rate * duration.toNanos() / 1e9);
		long period = (long) (1e9 / rate);
		java.util.Queue<Long> latencies = new java.util.concurrent.ConcurrentLinkedQueue<>();
		AtomicLong failures = new AtomicLong();
		AtomicLong next = new AtomicLong();
		List<Thread> senders = new ArrayList<>();
		long start = System.nanoTime();
		for (int c = 0; c < connections; c++) {
			Thread sender = new Thread(() -> {
				for (long i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
					long due = start + i * period;
					long wait = due - System.nanoTime();
					if (wait > 0) {
						java.util.concurrent.locks.LockSupport.parkNanos(wait);
					}
					boolean ok;
					try {
						ok = request.run(due);
					}
					catch (Exception ex) {
						ok = false;
					}
					if (ok) {
						latencies.add(System.nanoTime() - due);
					}
					else {
						failures.incrementAndGet();
					}
				}
			}, "open-loop-" + c);
			senders.add(sender);
			sender.start();
		}
		for (Thread sender : senders) {
			sender.join();
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
		return new Result(sorted.length / seconds, failures.get(), sorted);
	}

	/**
	 * @param rate units of work (messages) per second
	 * @param failures operations that failed
	 * @param sortedLatencies each successful operation's latency, in nanoseconds, sorted
	 */
	record Result(double rate, long failures, long[] sortedLatencies) {

		double percentileMillis(double p) {
			return percentile(this.sortedLatencies, p) / 1e6;
		}

	}

	static double percentile(long[] sorted, double p) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

}
