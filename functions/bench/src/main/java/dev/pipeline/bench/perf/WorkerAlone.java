package dev.pipeline.bench.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import dev.pipeline.local.LocalPipeline;

/**
 * The worker alone: messages are queued straight to SQS while it is stopped, then it
 * starts and drains them with the API idle. Its rate is read from the objects appearing
 * in the bucket's folder (first to last object), its CPU and AWS requests from its own
 * process and counter over the whole drain.
 *
 * @param messages how many were queued
 * @param rate messages stored per second, first object to last
 * @param toHealthy launch to {@code /health} 200
 * @param toFirstObject launch to the first object in the bucket
 * @param cpuMillisPerMessage the worker's CPU time per message, start-up excluded
 * @param awsRequestsPerMessage the worker's AWS requests per message
 * @param rssMebibytes the worker's RSS after the drain
 */
record WorkerAlone(int messages, double rate, Duration toHealthy, Duration toFirstObject, double cpuMillisPerMessage,
		double awsRequestsPerMessage, long rssMebibytes) {

	/**
	 * A day no other phase writes to, so only the drained messages land in its folder.
	 */
	private static final Instant DAY = Instant.parse("2035-01-01T00:00:00Z");

	static WorkerAlone measure(Rig rig, int messages) throws Exception {
		Rig.progress("Worker alone: queueing " + messages + " messages while it is stopped");
		rig.preload(messages, DAY);
		Rig.progress("Worker alone: starting it to drain them");
		LocalPipeline.Service worker = rig.pipeline().restartWorker();
		Path folder = rig.pipeline().bucketFolder().resolve("emails/2035/01/01");
		long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
		java.util.concurrent.CompletableFuture<Duration> healthy = java.util.concurrent.CompletableFuture
			.supplyAsync(() -> worker.awaitHealthy(Duration.ofSeconds(90)));
		while (count(folder) == 0 && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		long first = System.nanoTime();
		long cpu = ProcessStats.cpuNanos(worker.process().pid());
		Duration toHealthy = healthy.join();
		long requests = rig.awsRequests(worker);
		int stored = 0;
		while ((stored = count(folder)) < messages && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		long last = System.nanoTime();
		double seconds = (last - first) / 1e9;
		long cpuUsed = ProcessStats.cpuNanos(worker.process().pid()) - cpu;
		// The requests counted from the first object on, extrapolated to all messages.
		double awsPerMessage = (double) (rig.awsRequests(worker) - requests) / Math.max(1, stored - 1);
		return new WorkerAlone(stored, stored / seconds, toHealthy, Duration.ofNanos(first - worker.launchedAt()),
				cpuUsed / 1e6 / stored, awsPerMessage, ProcessStats.rssMebibytes(worker.process().pid()));
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
