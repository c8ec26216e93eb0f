package dev.pipeline.bench.perf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.pipeline.local.LocalPipeline;

/**
 * The API alone: the worker is stopped, so nothing else polls the queue's emulator while
 * the API sends to it. Closed-loop at each connection count (after a warm-up), then
 * open-loop at half the best rate for the latency target. CPU is the API process's own
 * (from {@code /proc}), AWS requests its own SDK counter.
 *
 * @param closed one result per connection count
 * @param halfLoad the open-loop run at half the best closed-loop rate
 */
record ApiAlone(List<Run> closed, Run halfLoad) {

	/**
	 * @param connections concurrent clients (0 for open loop)
	 * @param load rate, failures and latencies
	 * @param cpuMillisPerRequest the API's CPU time per accepted request
	 * @param awsRequestsPerMessage the API's AWS requests per accepted request
	 */
	record Run(int connections, Load.Result load, double cpuMillisPerRequest, double awsRequestsPerMessage) {
	}

	static ApiAlone measure(Rig rig, List<Integer> connectionCounts, Duration warmUp, Duration phase) throws Exception {
		LocalPipeline.Service api = rig.api();
		List<Run> closed = new ArrayList<>();
		for (int connections : connectionCounts) {
			Rig.progress("API alone: " + connections + " connections, warming up until steady, then "
					+ phase.toSeconds() + " s");
			// The first count warms the JIT; the next starts warm.
			warmUntilSteady(rig, connections, closed.isEmpty() ? Duration.ofSeconds(90) : Duration.ZERO, warmUp);
			closed.add(measured(rig, api, connections, () -> Load.run(connections, phase, rig::postOnce)));
		}
		double half = closed.stream().mapToDouble((run) -> run.load().rate()).max().orElseThrow() / 2;
		Rig.progress(String.format("API alone: open loop at %.0f req/s (half the best rate) for %d s", half,
				phase.toSeconds()));
		Run open = measured(rig, api, 0,
				() -> Load.openLoop(half, phase, Rig.OPEN_LOOP_CONNECTIONS, (due) -> rig.postOnce() > 0));
		return new ApiAlone(closed, open);
	}

	/**
	 * Load in rounds of 5 s until two rounds in a row gain less than 5% on the best so
	 * far, but for at least {@code minimum} (and at most {@code limit}). On 2 cores the
	 * JIT competes with the API for the CPU: after 15 s the API still ran at a sixth of
	 * its steady rate, and the CPU per request measured then was mostly compilation. The
	 * rate climbs in steps with flat stretches between them (380, 359, 356 req/s in one
	 * run, where another went on to 964 after 75 s), so flat rounds alone do not prove it
	 * warm.
	 */
	private static void warmUntilSteady(Rig rig, int connections, Duration minimum, Duration limit)
			throws InterruptedException {
		long start = System.nanoTime();
		long deadline = start + limit.toNanos();
		double best = 0;
		int flat = 0;
		while ((flat < 2 || System.nanoTime() - start < minimum.toNanos()) && System.nanoTime() < deadline) {
			double rate = Load.run(connections, Duration.ofSeconds(5), rig::postOnce).rate();
			Rig.progress(String.format("  warm-up round: %.0f req/s", rate));
			flat = (rate > best * 1.05) ? 0 : flat + 1;
			best = Math.max(best, rate);
		}
	}

	private static Run measured(Rig rig, LocalPipeline.Service api, int connections, LoadRun run) throws Exception {
		long cpu = ProcessStats.cpuNanos(api.process().pid());
		long requests = rig.awsRequests(api);
		Load.Result load = run.run();
		double accepted = load.sortedLatencies().length;
		double cpuMillis = (ProcessStats.cpuNanos(api.process().pid()) - cpu) / 1e6 / accepted;
		double aws = (rig.awsRequests(api) - requests) / accepted;
		return new Run(connections, load, cpuMillis, aws);
	}

	@FunctionalInterface
	private interface LoadRun {

		Load.Result run() throws Exception;

	}

	/**
	 * The best closed-loop run.
	 * @return the run with the highest rate
	 */
	Run best() {
		return this.closed.stream().max(java.util.Comparator.comparingDouble((run) -> run.load().rate())).orElseThrow();
	}

}
