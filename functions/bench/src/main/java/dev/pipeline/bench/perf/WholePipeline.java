package dev.pipeline.bench.perf;

import java.net.http.HttpResponse;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.pipeline.local.LocalPipeline;

/**
 * The whole pipeline: the API and the worker both running, clients posting open-loop at
 * half the API's best rate alone (at most {@link Rig#OPEN_LOOP_CONNECTIONS} in flight).
 * Each 202's key is matched to the object appearing in the bucket's folder (watched, not
 * polled), which gives the end-to-end latency; the AWS requests and CPU of both services
 * are divided by the messages stored.
 *
 * @param rate requests per second offered
 * @param post POST to 202
 * @param endToEnd POST sent to object visible, for the objects seen
 * @param sent requests sent
 * @param stored objects seen within a minute after the last POST
 * @param awsRequestsPerMessage both services' AWS requests per stored message
 * @param cpuMillisPerMessage both services' CPU time per stored message
 */
record WholePipeline(double rate, Load.Result post, long[] endToEnd, long sent, long stored,
		double awsRequestsPerMessage, double cpuMillisPerMessage) {

	static WholePipeline measure(Rig rig, double rate, Duration phase) throws Exception {
		Rig.progress(String.format("Whole pipeline: open loop at %.0f req/s for %d s", rate, phase.toSeconds()));
		Path day = rig.pipeline()
			.bucketFolder()
			.resolve("emails/" + DateTimeFormatter.ofPattern("yyyy/MM/dd").format(ZonedDateTime.now(ZoneOffset.UTC)));
		Files.createDirectories(day);
		Map<String, Long> sentAt = new ConcurrentHashMap<>();
		Map<String, Long> seenAt = new ConcurrentHashMap<>();
		long requests = 0;
		long cpu = 0;
		for (LocalPipeline.Service service : rig.pipeline().services()) {
			requests += rig.awsRequests(service);
			cpu += ProcessStats.cpuNanos(service.process().pid());
		}
		try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
			day.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
			Thread watch = new Thread(() -> watch(watcher, seenAt), "watch");
			watch.setDaemon(true);
			watch.start();
			Load.Result post = Load.openLoop(rate, phase, Rig.OPEN_LOOP_CONNECTIONS, (due) -> {
				HttpResponse<String> response = rig.http().send(rig.ingest(), HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() != 202) {
					return false;
				}
				String key = Rig.JSON.readTree(response.body()).get("key").asString();
				sentAt.put(key.substring(key.lastIndexOf('/') + 1), due);
				return true;
			});
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (!seenAt.keySet().containsAll(sentAt.keySet()) && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			long afterRequests = 0;
			long afterCpu = 0;
			for (LocalPipeline.Service service : rig.pipeline().services()) {
				afterRequests += rig.awsRequests(service);
				afterCpu += ProcessStats.cpuNanos(service.process().pid());
			}
			long[] endToEnd = sentAt.entrySet()
				.stream()
				.filter((entry) -> seenAt.containsKey(entry.getKey()))
				.mapToLong((entry) -> seenAt.get(entry.getKey()) - entry.getValue())
				.sorted()
				.toArray();
			long stored = endToEnd.length;
			return new WholePipeline(rate, post, endToEnd, post.sortedLatencies().length + post.failures(), stored,
					(double) (afterRequests - requests) / Math.max(1, stored),
					(afterCpu - cpu) / 1e6 / Math.max(1, stored));
		}
	}

	private static void watch(WatchService watcher, Map<String, Long> seenAt) {
		try {
			while (true) {
				WatchKey key = watcher.take();
				long now = System.nanoTime();
				for (WatchEvent<?> event : key.pollEvents()) {
					Object name = event.context();
					if (name != null && name.toString().endsWith(".json")) {
						seenAt.putIfAbsent(name.toString(), now);
					}
				}
				key.reset();
			}
		}
		catch (InterruptedException | ClosedWatchServiceException ex) {
			// The phase is over.
		}
	}

}
