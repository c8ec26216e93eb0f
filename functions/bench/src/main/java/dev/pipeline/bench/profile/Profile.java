package dev.pipeline.bench.profile;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import dev.pipeline.core.Correlation;
import dev.pipeline.core.MessageIds;
import dev.pipeline.core.QueueMessage;
import dev.pipeline.local.LocalPipeline;
import dev.pipeline.testsupport.Aws;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * {@code tools/profile.sh}: a JFR recording of each service under its own load, and where
 * their CPU samples fall, once each is warm. The API takes 16 clients for two minutes,
 * unrecorded (on 2 cores its rate climbs for about that long while the JIT compiles),
 * then 30 s more, recorded (the worker stopped). The worker drains a filled queue of
 * {@code messages}, unrecorded, then a second one, recorded. Recordings use JFR's
 * {@code profile} settings, started and dumped with {@code jcmd}.
 */
public final class Profile {

	/** Areas of the code a sample's stack can pass through (a sample counts for each). */
	static final Map<String, Pattern> AREAS = areas();

	private static final Duration API_WARM_UP = Duration.ofSeconds(120);

	private Profile() {
	}

	/**
	 * Runs the profile.
	 * @param args the repository root, and optionally the number of messages to drain
	 */
	public static void main(String[] args) throws Exception {
		Path root = Path.of(args[0]).toAbsolutePath().normalize();
		int messages = (args.length > 1) ? Integer.parseInt(args[1]) : 20_000;
		Path work = root.resolve("functions/bench/target/profile");
		Files.createDirectories(work);
		Files.deleteIfExists(work.resolve("api.jfr"));
		Files.deleteIfExists(work.resolve("worker.jfr"));
		LocalPipeline.Settings settings = LocalPipeline.Settings
			.of(root, work.resolve("s3-" + Instant.now().toEpochMilli()), "profile-token", LocalPipeline.Ports.any())
			.withLogs(work)
			.withEnvironment(Map.of("LOGGING_LEVEL_DEV_PIPELINE", "warn"),
					Map.of("LOGGING_LEVEL_DEV_PIPELINE", "warn"));
		try (LocalPipeline pipeline = LocalPipeline.start(settings)) {
			pipeline.stopWorker();
			long warm = loadApi(pipeline, 16, API_WARM_UP);
			System.out.printf("api: warm-up, %,d accepted in %d s (%.0f/s), not recorded%n", warm,
					API_WARM_UP.toSeconds(), warm / (double) API_WARM_UP.toSeconds());
			long api = pipeline.services().get(1).process().pid();
			jcmd(api, "JFR.start", "name=profile", "settings=profile");
			long accepted = loadApi(pipeline, 16, Duration.ofSeconds(30));
			jcmd(api, "JFR.dump", "name=profile", "filename=" + work.resolve("api.jfr"));
			System.out.printf("api: %,d accepted in 30 s by 16 clients (%.0f/s), worker stopped, recorded%n", accepted,
					accepted / 30.0);
			try (SqsClient sqs = SqsClient.builder()
				.endpointOverride(pipeline.sqsEndpoint())
				.region(Aws.REGION)
				.credentialsProvider(Aws.CREDENTIALS)
				.build()) {
				// What the API accepted, topped up to at least `messages`.
				fill(sqs, pipeline.queues().url(), Math.max(0, messages - warm - accepted));
				long queued = pipeline.queueDepth(pipeline.queues().url());
				Duration healthy = pipeline.restartWorker().awaitHealthy(Duration.ofSeconds(90));
				System.out.printf("worker: warm-up, %,d messages drained (%.0f/s; healthy after %d ms), not recorded%n",
						queued, queued / drain(pipeline), healthy.toMillis());
				long worker = pipeline.services().get(0).process().pid();
				// Recorded from before the fill: the worker drains while the queue fills.
				jcmd(worker, "JFR.start", "name=profile", "settings=profile");
				long start = System.nanoTime();
				fill(sqs, pipeline.queues().url(), messages);
				drain(pipeline);
				double seconds = (System.nanoTime() - start) / 1e9;
				jcmd(worker, "JFR.dump", "name=profile", "filename=" + work.resolve("worker.jfr"));
				System.out.printf("worker: %,d messages filled and drained in %.1f s (%.0f/s), recorded%n", messages,
						seconds, messages / seconds);
			}
		}
		summarize(work.resolve("api.jfr"));
		summarize(work.resolve("worker.jfr"));
	}

	/** Waits until the queue is empty; returns how long that took, in seconds. */
	private static double drain(LocalPipeline pipeline) throws InterruptedException {
		long start = System.nanoTime();
		while (pipeline.queueDepth(pipeline.queues().url()) > 0) {
			TimeUnit.MILLISECONDS.sleep(200);
		}
		return (System.nanoTime() - start) / 1e9;
	}

	/** Runs the JDK's {@code jcmd} on a service, failing if it does. */
	private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
		List<String> line = new ArrayList<>();
		line.add(Path.of(LocalPipeline.Settings.java()).resolveSibling("jcmd").toString());
		line.add(Long.toString(pid));
		line.addAll(List.of(command));
		Process process = new ProcessBuilder(line).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		if (process.waitFor() != 0) {
			throw new IllegalStateException("jcmd failed: " + line);
		}
	}

	private static long loadApi(LocalPipeline pipeline, int clients, Duration duration) throws InterruptedException {
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		AtomicLong accepted = new AtomicLong();
		long end = System.nanoTime() + duration.toNanos();
		List<Thread> threads = new ArrayList<>();
		for (int c = 0; c < clients; c++) {
			Thread thread = new Thread(() -> {
				long n = 0;
				while (System.nanoTime() < end) {
					String body = "{\"token\":\"profile-token\",\"data\":{\"email_timestream\":1764201600,"
							+ "\"email_subject\":\"Quarterly report\",\"n\":" + (n++) + "}}";
					try {
						HttpResponse<Void> response = http
							.send(HttpRequest.newBuilder(pipeline.apiUrl().resolve("/ingest"))
								.header("Content-Type", "application/json")
								.POST(HttpRequest.BodyPublishers.ofString(body))
								.build(), HttpResponse.BodyHandlers.discarding());
						if (response.statusCode() == 202) {
							accepted.incrementAndGet();
						}
					}
					catch (IOException ex) {
						// counted by its absence
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}, "profile-client-" + c);
			threads.add(thread);
			thread.start();
		}
		for (Thread thread : threads) {
			thread.join();
		}
		return accepted.get();
	}

	private static void fill(SqsClient sqs, String queueUrl, long count) {
		Instant at = Instant.now();
		for (long i = 0; i < count; i += 10) {
			List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
			for (long j = i; j < Math.min(i + 10, count); j++) {
				QueueMessage message = new QueueMessage(MessageIds.random(),
						"{\"email_timestream\":1764201600,\"filled\":" + j + "}", at, Correlation.of(null, null));
				entries.add(SendMessageBatchRequestEntry.builder()
					.id("m" + (j - i))
					.messageBody(message.body())
					.messageAttributes(message.attributes())
					.build());
			}
			sqs.sendMessageBatch((request) -> request.queueUrl(queueUrl).entries(entries));
		}
	}

	/**
	 * Prints, for one recording, the share of CPU samples whose stack passes through each
	 * area, and the methods most often on top.
	 */
	static void summarize(Path recording) throws IOException {
		Map<String, Integer> areas = new LinkedHashMap<>();
		Map<String, Integer> tops = new LinkedHashMap<>();
		int samples = 0;
		for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
			if (!"jdk.ExecutionSample".equals(event.getEventType().getName()) || event.getStackTrace() == null) {
				continue;
			}
			samples++;
			List<RecordedFrame> frames = event.getStackTrace().getFrames();
			StringBuilder stack = new StringBuilder();
			for (RecordedFrame frame : frames) {
				stack.append(frame.getMethod().getType().getName())
					.append('.')
					.append(frame.getMethod().getName())
					.append('\n');
			}
			AREAS.forEach((area, pattern) -> {
				if (pattern.matcher(stack).find()) {
					areas.merge(area, 1, Integer::sum);
				}
			});
			if (!frames.isEmpty()) {
				RecordedFrame top = frames.get(0);
				tops.merge(top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1, Integer::sum);
			}
		}
		int total = samples;
		System.out.printf("%n%s: %,d CPU samples; share whose stack passes through each area:%n",
				recording.getFileName(), total);
		areas.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
			.forEach((entry) -> System.out.printf("  %5.1f%%  %s%n", 100.0 * entry.getValue() / total, entry.getKey()));
		System.out.println("  most often on top:");
		tops.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
			.limit(8)
			.forEach((entry) -> System.out.printf("  %5.1f%%  %s%n", 100.0 * entry.getValue() / total, entry.getKey()));
	}

	private static Map<String, Pattern> areas() {
		Map<String, Pattern> areas = new LinkedHashMap<>();
		areas.put("AWS SDK request pipeline", Pattern.compile("software\\.amazon\\.awssdk\\.core\\.internal\\.http"));
		areas.put("AWS SDK signing (SigV4; signs the payload over plain HTTP)",
				Pattern.compile("software\\.amazon\\.awssdk\\.http\\.auth\\.aws"));
		areas.put("AWS SDK marshalling", Pattern.compile("software\\.amazon\\.awssdk\\.protocols"));
		areas.put("Apache HTTP client (S3)", Pattern.compile("org\\.apache\\.http\\."));
		areas.put("Netty (SQS async client)", Pattern.compile("io\\.netty\\."));
		areas.put("awspring SQS listener", Pattern.compile("io\\.awspring\\."));
		areas.put("Tomcat", Pattern.compile("org\\.apache\\.(coyote|catalina|tomcat)\\."));
		areas.put("Spring MVC", Pattern.compile("org\\.springframework\\.web\\."));
		areas.put("servlet async dispatch (function-web answers with a Mono)",
				Pattern.compile("AsyncContextImpl|WebAsyncManager"));
		areas.put("Spring Cloud Function", Pattern.compile("org\\.springframework\\.cloud\\.function\\."));
		areas.put("logging", Pattern.compile("ch\\.qos\\.logback|org\\.springframework\\.boot\\.logging"));
		areas.put("Micrometer", Pattern.compile("io\\.micrometer\\."));
		areas.put("Jackson", Pattern.compile("tools\\.jackson\\.|com\\.fasterxml\\.jackson\\."));
		areas.put("project code", Pattern.compile("dev\\.pipeline\\."));
		return areas;
	}

}
