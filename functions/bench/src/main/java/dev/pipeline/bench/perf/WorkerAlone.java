package dev.pipeline.bench.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import dev.pipeline.local.LocalPipeline;

/**
 * The worker alone, with the API idle: messages are queued straight to SQS while it is
 * stopped; it starts and drains them (its start-up and warm-up), then as many again are
 * queued at once and drained by the warm worker, which is what is measured. Its rate is
 * read from the objects appearing in the bucket's folder (first to last object), its CPU
 * and AWS requests from its own process and counter over that drain.
 *
 * @param messages how many were measured
 * @param rate messages stored per second, first object to last
 * @param toHealthy launch to {@code /health} 200
 * @param toFirstObject launch to the first object in the bucket (cold)
 * @param cpuMillisPerMessage the warm worker's CPU time per message, from before the
 * measured messages were queued until the last was stored
 * @param awsRequestsPerMessage the worker's AWS requests per message over that drain
 * @param rssMebibytes the worker's RSS after the drain
 */
record WorkerAlone(int messages, double rate, Duration toHealthy, Duration toFirstObject, double cpuMillisPerMessage,
		double awsRequestsPerMessage, long rssMebibytes) {

	/**
	 * Days no other phase writes to, so only the drained messages land in their folders.
	 */
	private static final Instant WARM_UP_DAY = Instant.parse("2034-01-01T00:00:00Z");

	private static final Instant DAY = Instant.parse("2035-01-01T00:00:00Z");

	static WorkerAlone measure(Rig rig, int messages) throws Exception {
		Rig.progress("Worker alone: queueing " + messages + " messages while it is stopped");
		rig.preload(messages, WARM_UP_DAY);
		Rig.progress("Worker alone: starting it to drain them (its warm-up)");
		LocalPipeline.Service worker = rig.pipeline().restartWorker();
		Path warmUp = rig.pipeline().bucketFolder().resolve("emails/2034/01/01");
		long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
		CompletableFuture<Duration> healthy = CompletableFuture
			.supplyAsync(() -> worker.awaitHealthy(Duration.ofSeconds(90)));
		while (count(warmUp) == 0 && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		Duration toFirstObject = Duration.ofNanos(System.nanoTime() - worker.launchedAt());
		Duration toHealthy = healthy.join();
		while (count(warmUp) < messages && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		Rig.progress("Worker alone: queueing " + messages + " more for the warm worker");
		Path folder = rig.pipeline().bucketFolder().resolve("emails/2035/01/01");
		long cpu = ProcessStats.cpuNanos(worker.process().pid());
		long requests = rig.awsRequests(worker);
		rig.preload(messages, DAY);
		while (count(folder) == 0 && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		long first = System.nanoTime();
		int stored = 0;
		while ((stored = count(folder)) < messages && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		double seconds = (System.nanoTime() - first) / 1e9;
		long cpuUsed = ProcessStats.cpuNanos(worker.process().pid()) - cpu;
		double awsPerMessage = (double) (rig.awsRequests(worker) - requests) / Math.max(1, stored);
		return new WorkerAlone(stored, stored / seconds, toHealthy, toFirstObject, cpuUsed / 1e6 / stored,
				awsPerMessage, ProcessStats.rssMebibytes(worker.process().pid()));
	}

	private static int count(Path folder) throws IOException {
		if (!Files.isDirectory(folder)) {
			return 0;
		}
		try (var files = Files.list(folder)) {
			return (int) files.filter((file) -> file.toString().endsWith(".json")).count();
		}
	}

}
