package dev.pipeline.bench.perf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load: {@code threads} threads each repeat an operation until the deadline,
 * recording each latency.
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
	 * Open-loop load: starts one request every {@code 1/rate} seconds whatever the
	 * answers take, as independent clients would, for {@code duration}, then waits for
	 * the answers.
	 * @param rate requests per second
	 * @param duration how long to send
	 * @param request starts one request; its future completes {@code true} when it
	 * succeeded
	 * @return the rate reached and every latency from send to answer
	 */
	static Result openLoop(double rate, Duration duration,
			java.util.function.Supplier<java.util.concurrent.CompletableFuture<Boolean>> request)
			throws InterruptedException {
		long total = Math.round(rate * duration.toNanos() / 1e9);
		long period = (long) (1e9 / rate);
		java.util.Queue<Long> latencies = new java.util.concurrent.ConcurrentLinkedQueue<>();
		AtomicLong failures = new AtomicLong();
		java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch((int) total);
		long start = System.nanoTime();
		for (long i = 0; i < total; i++) {
			long due = start + i * period;
			long wait = due - System.nanoTime();
			if (wait > 0) {
				java.util.concurrent.locks.LockSupport.parkNanos(wait);
			}
			long begin = System.nanoTime();
			request.get().whenComplete((ok, failure) -> {
				if (failure == null && Boolean.TRUE.equals(ok)) {
					latencies.add(System.nanoTime() - begin);
				}
				else {
					failures.incrementAndGet();
				}
				answered.countDown();
			});
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		// Requests time out on their own; whatever is still open after a minute counts as
		// failed.
		long unanswered = answered.await(60, java.util.concurrent.TimeUnit.SECONDS) ? 0 : answered.getCount();
		long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
		return new Result(sorted.length / seconds, failures.get() + unanswered, sorted);
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
