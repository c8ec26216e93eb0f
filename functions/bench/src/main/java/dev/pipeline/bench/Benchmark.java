package dev.pipeline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.pipeline.core.QueueMessage;
import dev.pipeline.local.LocalPipeline;
import dev.pipeline.testsupport.Aws;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * {@code tools/benchmark.sh}: starts the local pipeline and measures, in one run, the
 * emulators' ceilings, ingest throughput and latency, end-to-end latency, the worker's
 * drain rate, AWS calls per message, start times and memory; writes
 * {@code docs/benchmarks.md}.
 */
public final class Benchmark {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final int[] CONCURRENCY = { 16, 64 };

	static final Duration PHASE = Duration.ofSeconds(Long.getLong("bench.seconds", 10));

	static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("bench.warmup", 15));

	static final String ANALYSIS_MARKER = "<!-- analysis: kept by the benchmark when it rewrites the table -->";

	static final int DRAIN_MESSAGES = Integer.getInteger("bench.drain", 10_000);

	static final int START_RUNS = Integer.getInteger("bench.startRuns", 3);

	static final String DATA = "{\"email_subject\":\"Quarterly report\",\"email_sender\":\"alice@example.com\","
			+ "\"email_timestream\":\"1764201600\",\"email_content\":\"Numbers attached, see you on Monday.\"}";

	private final Path root;

	private final Path work;

	private final LocalPipeline pipeline;

	private final SqsClient sqs;

	private final S3Client s3;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final Map<String, String> results = new LinkedHashMap<>();

	private final List<String[]> rows = new ArrayList<>();

	private Benchmark(Path root, Path work, LocalPipeline pipeline) {
		this.root = root;
		this.work = work;
		this.pipeline = pipeline;
		this.sqs = SqsClient.builder()
			.endpointOverride(pipeline.sqsEndpoint())
			.region(Aws.REGION)
			.credentialsProvider(Aws.CREDENTIALS)
			.httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder().maxConnections(128))
			.build();
		this.s3 = S3Client.builder()
			.endpointOverride(pipeline.s3Endpoint())
			.region(Aws.REGION)
			.credentialsProvider(Aws.CREDENTIALS)
			.forcePathStyle(true)
			.httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder().maxConnections(128))
			.build();
	}

	public static void main(String[] args) throws Exception {
		Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
		Path work = root.resolve("functions/bench/target/run");
		deleteRecursively(work);
		Files.createDirectories(work.resolve("logs"));
		progress("Starting the local pipeline (JDK " + Runtime.version() + ", " + cores() + " cores)");
		LocalPipeline.Settings settings = LocalPipeline.Settings
			.of(root, work.resolve("s3"), "bench-" + UUID.randomUUID(), LocalPipeline.Ports.any())
			.withLogs(work.resolve("logs"))
			.withEnvironment(Map.of("LOGGING_LEVEL_DEV_PIPELINE", "warn"),
					Map.of("LOGGING_LEVEL_DEV_PIPELINE", "warn"));
		try (LocalPipeline pipeline = LocalPipeline.start(settings)) {
			Benchmark benchmark = new Benchmark(root, work, pipeline);
			benchmark.run();
		}
	}

	private void run() throws Exception {
		Map<Integer, Double> sendCeiling = new LinkedHashMap<>();
		for (int threads : CONCURRENCY) {
			sendCeiling.put(threads, ceilings(threads));
		}
		double maxIngest = 0;
		Map<Integer, Load.Result> ingest = new LinkedHashMap<>();
		for (int threads : CONCURRENCY) {
			Load.Result result = ingest(threads);
			ingest.put(threads, result);
			maxIngest = Math.max(maxIngest, result.rate());
			row("Ingest (POST /ingest → 202), " + threads + " connections", format(result.rate()) + " req/s",
					"p50 " + ms(result.percentileMillis(50)) + ", p99 " + ms(result.percentileMillis(99)) + ", errors "
							+ result.failures());
			row("Ingest vs raw SendMessage at " + threads, percent(result.rate() / sendCeiling.get(threads)),
					"target ≥ 80%");
		}
		endToEnd(maxIngest / 2);
		drain();
		memory();
		startTimes();
		write();
	}

	private double ceilings(int threads) throws Exception {
		String queue = this.sqs.createQueue((r) -> r.queueName("bench-raw-" + threads)).queueUrl();
		String bucket = "bench-raw-" + threads;
		this.s3.createBucket((r) -> r.bucket(bucket));
		progress("Ceiling: SendMessage, " + threads + " threads");
		Load.Result send = Load.run(threads, PHASE, () -> {
			this.sqs
				.sendMessage((r) -> r.queueUrl(queue).messageBody(DATA).messageAttributes(attributes(Instant.now())));
			return 1;
		});
		row("Raw SQS SendMessage, " + threads + " threads", format(send.rate()) + " msg/s",
				"p50 " + ms(send.percentileMillis(50)) + ", p99 " + ms(send.percentileMillis(99)));
		progress("Ceiling: SendMessageBatch, " + threads + " threads");
		Load.Result batch = Load.run(threads, PHASE, () -> {
			List<SendMessageBatchRequestEntry> entries = new ArrayList<>(10);
			for (int i = 0; i < 10; i++) {
				entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(DATA).build());
			}
			return this.sqs.sendMessageBatch((r) -> r.queueUrl(queue).entries(entries)).successful().size();
		});
		row("Raw SQS SendMessageBatch (10), " + threads + " threads", format(batch.rate()) + " msg/s", "");
		progress("Ceiling: ReceiveMessage(10) + DeleteMessageBatch, " + threads + " threads");
		Load.Result receive = Load.run(threads, PHASE, () -> {
			List<Message> messages = this.sqs.receiveMessage((r) -> r.queueUrl(queue).maxNumberOfMessages(10))
				.messages();
			if (messages.isEmpty()) {
				return 0;
			}
			List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
			for (int i = 0; i < messages.size(); i++) {
				entries.add(DeleteMessageBatchRequestEntry.builder()
					.id(Integer.toString(i))
					.receiptHandle(messages.get(i).receiptHandle())
					.build());
			}
			return this.sqs.deleteMessageBatch((r) -> r.queueUrl(queue).entries(entries)).successful().size();
		});
		row("Raw SQS ReceiveMessage(10) + DeleteMessageBatch, " + threads + " threads",
				format(receive.rate()) + " msg/s", "");
		progress("Ceiling: PutObject, " + threads + " threads");
		AtomicLong n = new AtomicLong();
		Load.Result put = Load.run(threads, PHASE, () -> {
			this.s3.putObject((r) -> r.bucket(bucket)
				.key("raw/" + n.incrementAndGet() + ".json")
				.ifNoneMatch("*")
				.contentType("application/json"), RequestBody.fromString(DATA));
			return 1;
		});
		this.results.put("put-" + threads, Double.toString(put.rate()));
		row("Raw S3 PutObject (If-None-Match), " + threads + " threads", format(put.rate()) + " obj/s",
				"p50 " + ms(put.percentileMillis(50)) + ", p99 " + ms(put.percentileMillis(99)));
		return send.rate();
	}

	private Load.Result ingest(int threads) throws Exception {
		progress("Ingest: " + threads + " connections, " + WARM_UP.toSeconds() + " s warm-up then " + PHASE.toSeconds()
				+ " s");
		Load.run(threads, WARM_UP, this::postOnce);
		return Load.run(threads, PHASE, this::postOnce);
	}

	private int postOnce() throws Exception {
		HttpResponse<String> response = this.http.send(ingestRequest(DATA), HttpResponse.BodyHandlers.ofString());
		return (response.statusCode() == 202) ? 1 : -1;
	}

	private HttpRequest ingestRequest(String data) {
		return HttpRequest.newBuilder(this.pipeline.apiUrl().resolve("/ingest"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"token\":\"" + this.pipeline.token() + "\",\"data\":" + data + "}"))
			.build();
	}

	private void endToEnd(double rate) throws Exception {
		int total = (int) (rate * PHASE.toSeconds());
		progress(String.format("End to end: %.0f req/s (half the best ingest rate) for %d s, %d messages", rate,
				PHASE.toSeconds(), total));
		Path day = this.pipeline.bucketFolder()
			.resolve("emails/" + DateTimeFormatter.ofPattern("yyyy/MM/dd").format(ZonedDateTime.now(ZoneOffset.UTC)));
		Files.createDirectories(day);
		Map<String, Long> sentAt = new ConcurrentHashMap<>();
		Map<String, Long> seenAt = new ConcurrentHashMap<>();
		java.util.Queue<Long> postLatencies = new java.util.concurrent.ConcurrentLinkedQueue<>();
		long callsBefore = awsCalls();
		try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
			day.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
			Thread watch = new Thread(() -> watch(watcher, seenAt), "watch");
			watch.setDaemon(true);
			watch.start();
			ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
			AtomicInteger sent = new AtomicInteger();
			AtomicInteger failed = new AtomicInteger();
			long periodNanos = (long) (1e9 / rate);
			clock.scheduleAtFixedRate(() -> {
				if (sent.getAndIncrement() >= total) {
					return;
				}
				long begin = System.nanoTime();
				this.http.sendAsync(ingestRequest(DATA), HttpResponse.BodyHandlers.ofString())
					.thenAccept((response) -> {
						postLatencies.add(System.nanoTime() - begin);
						if (response.statusCode() != 202) {
							failed.incrementAndGet();
							return;
						}
						String key = JSON.readTree(response.body()).get("key").asString();
						sentAt.put(key.substring(key.lastIndexOf('/') + 1), begin);
					});
			}, 0, periodNanos, TimeUnit.NANOSECONDS);
			long deadline = System.nanoTime() + PHASE.toNanos() + Duration.ofSeconds(60).toNanos();
			while (System.nanoTime() < deadline && (sent.get() < total || !seenAt.keySet().containsAll(sentAt.keySet())
					|| sentAt.size() + failed.get() < total)) {
				Thread.sleep(100);
			}
			clock.shutdownNow();
			long callsAfter = awsCalls();
			long[] latencies = sentAt.entrySet()
				.stream()
				.filter((e) -> seenAt.containsKey(e.getKey()))
				.mapToLong((e) -> seenAt.get(e.getKey()) - e.getValue())
				.sorted()
				.toArray();
			row(String.format("End to end, POST to object visible, at %.0f req/s", rate),
					"p50 " + ms(Load.percentile(latencies, 50) / 1e6) + ", p99 "
							+ ms(Load.percentile(latencies, 99) / 1e6),
					latencies.length + " of " + total + " objects seen, " + failed.get() + " errors");
			long[] posts = postLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
			row(String.format("Ingest at %.0f req/s (half the best rate), POST to 202", rate),
					"p50 " + ms(Load.percentile(posts, 50) / 1e6) + ", p99 " + ms(Load.percentile(posts, 99) / 1e6),
					"target p99 ≤ 10 ms; open loop, " + posts.length + " requests");
			double perMessage = (double) (callsAfter - callsBefore) / Math.max(1, latencies.length);
			row("AWS API requests per ingested-and-persisted message", String.format("%.2f", perMessage),
					"target ≤ 1.3; counted by both services' SDK interceptors (aws.requests), "
							+ (callsAfter - callsBefore) + " requests");
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
		catch (InterruptedException | java.nio.file.ClosedWatchServiceException ex) {
			// done
		}
	}

	private long awsCalls() throws Exception {
		long total = 0;
		for (LocalPipeline.Service service : this.pipeline.services()) {
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(service.managementUrl().resolve("/actuator/metrics/aws.requests")).build(),
					HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() == 200) {
				total += (long) JSON.readTree(response.body()).get("measurements").get(0).get("value").asDouble();
			}
		}
		return total;
	}

	private void drain() throws Exception {
		progress("Drain: stopping the worker, preloading " + DRAIN_MESSAGES + " messages");
		this.pipeline.stopWorker();
		Instant ingestedAt = Instant.parse("2035-01-01T00:00:00Z");
		AtomicInteger batchesLeft = new AtomicInteger(DRAIN_MESSAGES / 10);
		long preloadStart = System.nanoTime();
		List<Thread> senders = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			Thread sender = new Thread(() -> {
				while (batchesLeft.getAndDecrement() > 0) {
					List<SendMessageBatchRequestEntry> entries = new ArrayList<>(10);
					for (int i = 0; i < 10; i++) {
						entries.add(SendMessageBatchRequestEntry.builder()
							.id(Integer.toString(i))
							.messageBody(DATA)
							.messageAttributes(attributes(ingestedAt))
							.build());
					}
					this.sqs.sendMessageBatch((r) -> r.queueUrl(this.pipeline.queues().url()).entries(entries));
				}
			});
			senders.add(sender);
			sender.start();
		}
		for (Thread sender : senders) {
			sender.join();
		}
		double preloadRate = DRAIN_MESSAGES / ((System.nanoTime() - preloadStart) / 1e9);
		progress("Drain: starting the worker");
		LocalPipeline.Service worker = this.pipeline.restartWorker();
		Duration toHealthy = worker.awaitHealthy(Duration.ofSeconds(90));
		long start = System.nanoTime();
		Path folder = this.pipeline.bucketFolder().resolve("emails/2035/01/01");
		long deadline = start + Duration.ofMinutes(5).toNanos();
		int stored = 0;
		while (System.nanoTime() < deadline && (stored = count(folder)) < DRAIN_MESSAGES) {
			Thread.sleep(100);
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		double rate = stored / seconds;
		this.results.put("drain", Double.toString(rate));
		row("Worker drain of " + DRAIN_MESSAGES + " preloaded messages", format(rate) + " msg/s",
				stored + " stored in " + String.format("%.1f s", seconds) + " after healthy (" + toHealthy.toMillis()
						+ " ms to healthy); preload ran at " + format(preloadRate) + " msg/s");
		double put = Double.parseDouble(this.results.get("put-64"));
		row("Worker drain vs raw PutObject at 64", percent(rate / put), "target ≥ 80%");
	}

	private static int count(Path folder) throws IOException {
		if (!Files.isDirectory(folder)) {
			return 0;
		}
		try (var files = Files.list(folder)) {
			return (int) files.filter((f) -> f.toString().endsWith(".json")).count();
		}
	}

	private void memory() throws IOException {
		for (LocalPipeline.Service service : this.pipeline.services()) {
			row("RSS of the " + service.name() + " after the load", rssMegabytes(service.process().pid()) + " MB",
					"target ≤ 256 MB");
		}
	}

	private void startTimes() throws Exception {
		boolean aot = Runtime.version().feature() >= 25;
		for (String module : List.of("api", "worker")) {
			Path jar = LocalPipeline.Settings.jar(this.root, module);
			List<Long> fat = new ArrayList<>();
			for (int i = 0; i < START_RUNS; i++) {
				progress("Start time: " + module + " as a fat jar, run " + (i + 1));
				fat.add(startOnce(module, LocalPipeline.Settings.javaJar(jar)));
			}
			Path extracted = this.work.resolve(module + "-extracted");
			exec(List.of(LocalPipeline.Settings.java(), "-Djarmode=tools", "-jar", jar.toString(), "extract",
					"--destination", extracted.toString()));
			Path app = extracted.resolve(jar.getFileName());
			Path cache = this.work.resolve(module + (aot ? ".aot" : ".jsa"));
			List<String> training = new ArrayList<>(List.of(LocalPipeline.Settings.java(),
					aot ? "-XX:AOTCacheOutput=" + cache : "-XX:ArchiveClassesAtExit=" + cache,
					"-Dspring.context.exit=onRefresh"));
			training.addAll(LocalPipeline.Settings.JVM_OPTIONS);
			training.addAll(List.of("-jar", app.toString()));
			progress("Start time: training the " + (aot ? "AOT cache" : "CDS archive") + " of the " + module);
			LocalPipeline.Service trainer = this.pipeline.launch(module + "-training", training, module.equals("api"));
			trainer.process().waitFor(120, TimeUnit.SECONDS);
			List<String> fast = new ArrayList<>(List.of(LocalPipeline.Settings.java(),
					aot ? "-XX:AOTCache=" + cache : "-XX:SharedArchiveFile=" + cache));
			fast.addAll(LocalPipeline.Settings.JVM_OPTIONS);
			fast.addAll(List.of("-jar", app.toString()));
			List<Long> cached = new ArrayList<>();
			for (int i = 0; i < START_RUNS; i++) {
				progress("Start time: " + module + " extracted with the cache, run " + (i + 1));
				cached.add(startOnce(module, fast));
			}
			long fatMedian = median(fat);
			long cachedMedian = median(cached);
			row("Start to healthy, " + module + ", fat jar", fatMedian + " ms", "median of " + fat);
			row("Start to healthy, " + module + ", extracted + " + (aot ? "JDK AOT cache" : "AppCDS"),
					cachedMedian + " ms", "median of " + cached + "; " + percent((double) cachedMedian / fatMedian)
							+ " of the fat jar (target ≤ 40%)");
		}
	}

	private long startOnce(String module, List<String> command) {
		LocalPipeline.Service service = this.pipeline.launch(module + "-start", command, module.equals("api"));
		try {
			return service.awaitHealthy(Duration.ofSeconds(120)).toMillis();
		}
		finally {
			service.stop();
		}
	}

	private void write() throws IOException {
		StringBuilder md = new StringBuilder();
		md.append("# Benchmarks\n\n");
		md.append("One run of `tools/benchmark.sh` on ")
			.append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
			.append(": ")
			.append(cores())
			.append(" cores, ")
			.append(memoryGb())
			.append(" GB, JDK ")
			.append(Runtime.version())
			.append(", ")
			.append(System.getProperty("os.name"))
			.append(".\n\n");
		md.append(
				"Everything runs on this one machine: the emulators (ElasticMQ, s3proxy on disk, the SSM stub) in the ")
			.append("benchmark's JVM, the API and the worker as their own processes (`java -jar`, as `tools/run-local.sh` ")
			.append("starts them), and the load generator (a Java closed-loop client, HTTP/1.1 keep-alive) in the ")
			.append("benchmark's JVM. All compete for the same cores, so the figures are ratios within one run, not ")
			.append("what AWS would do. Each phase runs ")
			.append(PHASE.toSeconds())
			.append(" s.\n\n");
		md.append("| measure | result | notes |\n|---|---|---|\n");
		for (String[] row : this.rows) {
			md.append("| ").append(row[0]).append(" | ").append(row[1]).append(" | ").append(row[2]).append(" |\n");
		}
		md.append("\nCommands: `tools/benchmark.sh` (builds the jars, then runs ")
			.append("`java -jar functions/bench/target/pipeline-bench-exec.jar`); `-Dbench.seconds`, `-Dbench.drain` and ")
			.append("`-Dbench.startRuns` change the phase length, the drain size and the start-time runs. The ")
			.append("services' logs are in `functions/bench/target/run/logs/`.\n");
		Path out = this.root.resolve("docs/benchmarks.md");
		if (Files.exists(out)) {
			// Keep the hand-written analysis below the marker.
			String previous = Files.readString(out);
			int marker = previous.indexOf(ANALYSIS_MARKER);
			if (marker >= 0) {
				md.append('\n').append(previous.substring(marker));
			}
		}
		Files.writeString(out, md.toString());
		System.out.println();
		System.out.println(md);
		progress("Written to " + out);
	}

	private void row(String measure, String result, String notes) {
		this.rows.add(new String[] { measure, result, notes });
		progress("  " + measure + ": " + result + (notes.isEmpty() ? "" : " (" + notes + ")"));
	}

	static Map<String, MessageAttributeValue> attributes(Instant ingestedAt) {
		return Map.of(QueueMessage.INGESTED_AT,
				MessageAttributeValue.builder()
					.dataType("String")
					.stringValue(QueueMessage.formatIngestedAt(ingestedAt))
					.build());
	}

	private static void exec(List<String> command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		if (process.waitFor() != 0) {
			throw new IllegalStateException("Failed: " + command);
		}
	}

	private static long rssMegabytes(long pid) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
			}
		}
		return -1;
	}

	private static long median(List<Long> values) {
		long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
		return sorted[sorted.length / 2];
	}

	private static int cores() {
		return Runtime.getRuntime().availableProcessors();
	}

	private static long memoryGb() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
				if (line.startsWith("MemTotal:")) {
					return Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return -1;
	}

	private static String format(double rate) {
		return String.format("%,.0f", rate);
	}

	private static String ms(double millis) {
		return String.format("%.1f ms", millis);
	}

	private static String percent(double ratio) {
		return String.format("%.0f%%", ratio * 100);
	}

	private static void progress(String message) {
		System.out.printf("[%s] %s%n",
				DateTimeFormatter.ISO_LOCAL_TIME.format(java.time.LocalTime.now()).substring(0, 8), message);
	}

	private static void deleteRecursively(Path path) throws IOException {
		if (!Files.exists(path)) {
			return;
		}
		try (var walk = Files.walk(path)) {
			walk.sorted(java.util.Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
		}
	}

}
