package dev.pipeline.bench.drill;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.pipeline.local.LocalPipeline;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code tools/drills.sh}: the reliability drills, each against a fresh local pipeline
 * (the services as processes from their jars, as {@code tools/run-local.sh} starts them;
 * the SQS outage keeps the queue on disk as the local run does). Each prints one line of
 * figures and whether its rules held; the run writes {@code docs/drills.md} and exits
 * non-zero if a rule broke.
 */
public final class Drills {

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** What a local service's memory is sized from, as a 512 MiB task (LocalPipeline). */
	static final long TASK_MEMORY = 512L * 1024 * 1024;

	/**
	 * How long without a new object ends the wait for the worker: longer than the queue's
	 * visibility timeout, after which a killed worker's messages come back.
	 */
	static final Duration QUIET = Duration.ofSeconds(LocalPipeline.VISIBILITY_TIMEOUT_SECONDS + 30);

	/**
	 * Clients of each kind that retry a message until it is accepted ({@link #retrying}).
	 */
	static final int RETRYING_CLIENTS = 4;

	private final Path root;

	private final Path work;

	private Drills(Path root) {
		this.root = root;
		this.work = root.resolve("functions/bench/target/drills");
	}

	/**
	 * Runs the drills.
	 * @param args the repository root, then drill names ({@code kill sigterm flood
	 * s3-outage sqs-outage soak}); none: all but the soak
	 */
	public static void main(String[] args) throws Exception {
		Drills drills = new Drills(Path.of(args[0]).toAbsolutePath().normalize());
		List<String> names = (args.length > 1) ? Arrays.asList(args).subList(1, args.length)
				: List.of("kill", "sigterm", "flood", "s3-outage", "sqs-outage");
		List<Figures> results = new ArrayList<>();
		for (String name : names) {
			Figures figures = drills.run(name);
			System.out.println(figures.line());
			results.add(figures);
		}
		drills.report(results);
		System.exit(results.stream().allMatch(Figures::passed) ? 0 : 1);
	}

	private Figures run(String name) throws Exception {
		Path folder = this.work.resolve(name);
		if (Files.exists(folder)) {
			try (Stream<Path> files = Files.walk(folder)) {
				for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
					Files.delete(file);
				}
			}
		}
		Files.createDirectories(folder);
		System.out.printf("drill %s: starting a local pipeline (logs in %s)%n", name, folder);
		LocalPipeline.Settings settings = LocalPipeline.Settings
			.of(this.root, folder.resolve("s3"), "drill-" + UUID.randomUUID(), LocalPipeline.Ports.any())
			.withLogs(folder);
		if ("sqs-outage".equals(name)) {
			// Messages survive the emulator's restart on disk, as in tools/run-local.sh.
			// ElasticMQ allows one such database per JVM; the other drills keep the queue
			// in memory, so no drill sees another's messages.
			settings = settings.withQueueDatabase(folder.resolve("sqs/emails"));
		}
		try (LocalPipeline pipeline = LocalPipeline.start(settings)) {
			return switch (name) {
				case "kill" -> kill(pipeline);
				case "sigterm" -> sigterm(pipeline);
				case "flood" -> flood(pipeline, folder);
				case "s3-outage" -> s3Outage(pipeline);
				case "sqs-outage" -> sqsOutage(pipeline);
				case "soak" -> soak(pipeline);
				default -> throw new IllegalArgumentException("Unknown drill " + name);
			};
		}
	}

	/** The worker, then the API, SIGKILLed under load and started again. */
	private Figures kill(LocalPipeline pipeline) throws Exception {
		return restarts(pipeline, "kill", "worker", "api", true);
	}

	/** The API, then the worker, stopped with SIGTERM under load as a deploy does. */
	private Figures sigterm(LocalPipeline pipeline) throws Exception {
		return restarts(pipeline, "sigterm", "api", "worker", false);
	}

	/**
	 * 16 clients; after 5 s one service is stopped and started again, 5 s after it is
	 * healthy the other; 5 s more load. A SIGKILL may drop connections; a SIGTERM may
	 * not.
	 */
	private Figures restarts(LocalPipeline pipeline, String name, String first, String second, boolean kill)
			throws Exception {
		Traffic traffic = Traffic.start(pipeline.apiUrl(), pipeline.token(), name, 16, Long.MAX_VALUE);
		List<Traffic> retrying = retrying(pipeline, name);
		for (String service : List.of(first, second)) {
			TimeUnit.SECONDS.sleep(5);
			pipeline.replace(service, kill).awaitHealthy(Duration.ofSeconds(90));
		}
		TimeUnit.SECONDS.sleep(5);
		traffic.close();
		close(retrying);
		String signal = kill ? "SIGKILLed" : "SIGTERMed";
		return settle(name,
				String.format(
						"16 clients (+ 2 x %d retrying); after 5 s the %s is %s and started "
								+ "again; 5 s after it is healthy the %s is; 5 s more load",
						RETRYING_CLIENTS, first, signal, second),
				pipeline, traffic, retrying, QUIET, !kill);
	}

	private Figures s3Outage(LocalPipeline pipeline) throws Exception {
		return outage(pipeline, "s3-outage", "S3 emulator", pipeline::stopStorage, pipeline::startStorage);
	}

	private Figures sqsOutage(LocalPipeline pipeline) throws Exception {
		return outage(pipeline, "sqs-outage", "SQS emulator (messages kept on disk)", pipeline::stopQueue,
				pipeline::startQueue);
	}

	/** 8 clients for 20 s; a dependency down from 4 s to 14 s. */
	private Figures outage(LocalPipeline pipeline, String name, String what, Runnable down, Runnable up)
			throws Exception {
		Traffic traffic = Traffic.start(pipeline.apiUrl(), pipeline.token(), name, 8, Long.MAX_VALUE);
		List<Traffic> retrying = retrying(pipeline, name);
		TimeUnit.SECONDS.sleep(4);
		down.run();
		TimeUnit.SECONDS.sleep(10);
		up.run();
		TimeUnit.SECONDS.sleep(6);
		traffic.close();
		close(retrying);
		return settle(name,
				"8 clients (+ 2 x " + RETRYING_CLIENTS + " retrying) for 20 s; " + what + " down from 4 s to 14 s",
				pipeline, traffic, retrying, QUIET, true);
	}

	private Figures soak(LocalPipeline pipeline) throws Exception {
		int count = Integer.getInteger("drills.soak", 100_000);
		long start = System.nanoTime();
		Traffic traffic = Traffic.start(pipeline.apiUrl(), pipeline.token(), "soak", 32, count);
		traffic.awaitTarget(Duration.ofMinutes(30));
		traffic.close();
		double seconds = (System.nanoTime() - start) / 1e9;
		Figures figures = settle("soak", String.format("32 clients until %,d accepted", count), pipeline, traffic,
				List.of(), QUIET, true);
		double stored = (System.nanoTime() - start) / 1e9;
		return figures.with(
				String.format("accepted in %.0f s (%.0f/s), all stored after %.0f s", seconds, count / seconds, stored),
				null);
	}

	/**
	 * Clients beside a drill's own that retry a message until it is accepted, as CONTRACT
	 * section 1 tells a client to: half send the same body again, half the same body with
	 * the same {@code Idempotency-Key}.
	 */
	private static List<Traffic> retrying(LocalPipeline pipeline, String name) {
		return List.of(
				Traffic.start(pipeline.apiUrl(), pipeline.token(), name + "-retry", RETRYING_CLIENTS, Long.MAX_VALUE,
						Traffic.Retry.SAME_BODY),
				Traffic.start(pipeline.apiUrl(), pipeline.token(), name + "-retry-key", RETRYING_CLIENTS,
						Long.MAX_VALUE, Traffic.Retry.IDEMPOTENCY_KEY));
	}

	private static void close(List<Traffic> traffics) throws InterruptedException {
		for (Traffic traffic : traffics) {
			traffic.close();
		}
	}

	/**
	 * Waits for the worker to store what was accepted and applies the common rules: no
	 * message lost or changed, no 500, (where the drill does not kill a process) no
	 * connection dropped and nothing in the dead-letter queue, and no object of a client
	 * that retried with an {@code Idempotency-Key} that it was not told of.
	 */
	private Figures settle(String name, String what, LocalPipeline pipeline, Traffic traffic, List<Traffic> retrying,
			Duration quiet, boolean graceful) throws InterruptedException {
		Map<String, String> accepted = traffic.accepted();
		Archive.Stored stored = Archive.check(pipeline.bucketFolder(), accepted, quiet);
		// Messages queued for clients that heard no 202 (a 503 or a broken connection
		// while SQS had stored it) are stored too once the queue is empty.
		long queued = awaitEmptyQueue(pipeline, quiet);
		stored = new Archive.Stored(stored.stored(), stored.lost(), stored.mismatched(),
				Archive.unconfirmed(pipeline.bucketFolder(), accepted, traffic.drill()));
		List<String> retries = new ArrayList<>();
		List<String> retryBroken = new ArrayList<>();
		for (Traffic client : retrying) {
			Map<String, String> confirmed = client.accepted();
			// The queue is empty: what is stored is there; the wait only reads the
			// folder.
			Archive.Stored found = Archive.check(pipeline.bucketFolder(), confirmed, Duration.ofSeconds(2));
			long unconfirmed = Archive.unconfirmed(pipeline.bucketFolder(), confirmed, client.drill());
			retries.add(String.format("%s: sent %,d, accepted %,d, lost %d, stored unconfirmed %d", client.drill(),
					client.sent(), confirmed.size(), found.lost(), unconfirmed));
			if (found.lost() + found.mismatched() > 0) {
				retryBroken.add(client.drill() + ": " + found.lost() + " lost, " + found.mismatched() + " changed");
			}
			if (client.drill().endsWith("-retry-key") && unconfirmed > 0) {
				retryBroken.add(client.drill() + ": " + unconfirmed + " objects its client was not told of");
			}
		}
		Map<String, Long> outcomes = traffic.outcomes();
		List<String> broken = new ArrayList<>();
		if (stored.lost() > 0) {
			broken.add(stored.lost() + " accepted messages lost");
		}
		if (stored.mismatched() > 0) {
			broken.add(stored.mismatched() + " objects differ from the data sent");
		}
		outcomes.keySet()
			.stream()
			.filter((outcome) -> outcome.startsWith("5") && !"503".equals(outcome))
			.forEach((outcome) -> broken.add(outcomes.get(outcome) + " x " + outcome));
		if (graceful && outcomes.containsKey("dropped")) {
			broken.add(outcomes.get("dropped") + " connections dropped " + traffic.failures());
		}
		long deadLetters = deadLetters(pipeline);
		if (graceful && deadLetters > 0) {
			broken.add(deadLetters + " messages in the dead-letter queue");
		}
		if (queued > 0) {
			broken.add(queued + " messages still on the queue");
		}
		broken.addAll(retryBroken);
		String memory = memory(pipeline);
		String retried = retries.isEmpty() ? "" : "retrying clients: " + String.join("; ", retries) + "; ";
		return new Figures(name, what, traffic.sent(), accepted.size(), stored, outcomes,
				retried + "dead letters " + deadLetters + "; " + memory, broken);
	}

	/**
	 * 1,000 concurrent bodies of ~250 KiB with a wrong token, while a probe sends a valid
	 * request every 200 ms; the API's heap and RSS are sampled throughout.
	 */
	private Figures flood(LocalPipeline pipeline, Path folder) throws Exception {
		int requests = Integer.getInteger("drills.flood", 1000);
		LocalPipeline.Service api = pipeline.services().get(1);
		byte[] body = ("{\"token\":\"wrong-" + UUID.randomUUID() + "\",\"data\":{\"email_timestream\":1764201600,"
				+ "\"pad\":\"" + "x".repeat(250 * 1024) + "\"}}")
			.getBytes(StandardCharsets.UTF_8);
		// HTTP/1.1, as the load balancer speaks to the API.
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10))
			.build();
		Sampler sampler = Sampler.start(api);
		Probe probe = Probe.start(pipeline, "flood");
		Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
		List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
		long start = System.nanoTime();
		List<CompletableFuture<Void>> flood = new ArrayList<>();
		for (int i = 0; i < requests; i++) {
			flood.add(http.sendAsync(HttpRequest.newBuilder(pipeline.apiUrl().resolve("/ingest"))
				.timeout(Duration.ofSeconds(60))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofByteArray(body))
				.build(), HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
					Throwable cause = (failure != null && failure.getCause() != null) ? failure.getCause() : failure;
					String outcome = (failure == null) ? Integer.toString(response.statusCode())
							: (cause instanceof java.net.http.HttpTimeoutException) ? "timed-out" : "dropped";
					if (failure != null && failures.size() < 5) {
						failures.add(cause.getClass().getSimpleName() + ": " + cause.getMessage());
					}
					outcomes.computeIfAbsent(outcome, (o) -> new AtomicLong()).incrementAndGet();
					return null;
				}));
		}
		CompletableFuture.allOf(flood.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
		double floodSeconds = (System.nanoTime() - start) / 1e9;
		long floodEnd = System.nanoTime();
		Duration recovered = probe.awaitAcceptedAfter(floodEnd, Duration.ofSeconds(60));
		probe.close();
		Sampler.Peak peak = sampler.stop();
		long oomErrors = count(folder.resolve("api.log"), "OutOfMemoryError");

		Map<String, Long> counts = new java.util.TreeMap<>();
		outcomes.forEach((outcome, count) -> counts.put(outcome, count.get()));
		List<String> broken = new ArrayList<>();
		counts.keySet()
			.stream()
			.filter((outcome) -> !Set.of("401", "413", "503").contains(outcome))
			.forEach((outcome) -> broken.add(counts.get(outcome) + " flood requests " + outcome));
		if (!api.process().isAlive()) {
			broken.add("the API died");
		}
		if (oomErrors > 0) {
			broken.add(oomErrors + " OutOfMemoryError in the API's log");
		}
		if (peak.rssBytes() > TASK_MEMORY) {
			broken.add("peak RSS above the task's 512 MiB");
		}
		if (recovered == null || recovered.compareTo(Duration.ofSeconds(5)) > 0) {
			broken.add("valid requests not accepted within 5 s after the flood");
		}
		Map<String, String> accepted = probe.accepted();
		Archive.Stored stored = Archive.check(pipeline.bucketFolder(), accepted, QUIET);
		if (stored.lost() > 0) {
			broken.add(stored.lost() + " probe messages lost");
		}
		String extra = String.format(
				"flood answered in %.1f s; closed unanswered %s; probe during flood %s; valid requests accepted %s ms after it; "
						+ "API heap peak %d MiB of %d MiB, RSS peak %d MiB (task 512 MiB); OutOfMemoryError %d",
				floodSeconds, failures.isEmpty() ? "none" : failures.get(0), probe.outcomes(),
				(recovered == null) ? "never" : recovered.toMillis(), peak.heapBytes() >> 20, peak.heapMaxBytes() >> 20,
				peak.rssBytes() >> 20, oomErrors);
		return new Figures("flood",
				String.format("%,d concurrent %d KiB bodies with a wrong token", requests, body.length >> 10),
				requests + probe.sent(), accepted.size(), stored, counts, extra, broken);
	}

	/**
	 * Waits until the queue holds nothing, visible or in flight; returns what is left.
	 */
	private static long awaitEmptyQueue(LocalPipeline pipeline, Duration quiet) throws InterruptedException {
		long deadline = System.nanoTime() + quiet.toNanos();
		long depth = depth(pipeline, pipeline.queues().url());
		while (depth > 0 && System.nanoTime() < deadline) {
			TimeUnit.MILLISECONDS.sleep(250);
			depth = depth(pipeline, pipeline.queues().url());
		}
		return depth;
	}

	private static long deadLetters(LocalPipeline pipeline) {
		return depth(pipeline, pipeline.queues().deadLetterUrl());
	}

	private static long depth(LocalPipeline pipeline, String queueUrl) {
		return pipeline.queueDepth(queueUrl);
	}

	private static String memory(LocalPipeline pipeline) {
		return pipeline.services()
			.stream()
			.map((service) -> service.name() + " RSS peak " + (Sampler.status(service.process().pid(), "VmHWM") >> 20)
					+ " MiB")
			.collect(Collectors.joining(", "));
	}

	private static long count(Path log, String text) throws IOException {
		if (!Files.exists(log)) {
			return 0;
		}
		try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
			return lines.filter((line) -> line.contains(text)).count();
		}
	}

	private void report(List<Figures> results) throws IOException {
		StringBuilder out = new StringBuilder();
		out.append("# Reliability drills\n\n")
			.append("Written by `tools/drills.sh` (")
			.append(String.join(" ", results.stream().map(Figures::drill).toList()))
			.append(") on ")
			.append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
			.append(": ")
			.append(Runtime.getRuntime().availableProcessors())
			.append(" cores, Java ")
			.append(Runtime.version())
			.append(". Each drill starts a fresh local pipeline; the figures are counts, not timings.\n\n")
			.append("| drill | what | sent | accepted | stored | lost | answers | more | rules |\n")
			.append("|---|---|---|---|---|---|---|---|---|\n");
		for (Figures figures : results) {
			out.append(figures.row()).append('\n');
		}
		Path file = this.root.resolve("docs/drills.md");
		Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
		System.out.println("Wrote " + file);
	}

	/**
	 * One drill's figures.
	 *
	 * @param drill its name
	 * @param what what it did
	 * @param sent requests sent
	 * @param accepted answered 202
	 * @param stored what the bucket holds of them
	 * @param outcomes answers and connection failures by kind
	 * @param extra further figures
	 * @param broken the rules that did not hold
	 */
	record Figures(String drill, String what, long sent, long accepted, Archive.Stored stored,
			Map<String, Long> outcomes, String extra, List<String> broken) {

		boolean passed() {
			return this.broken.isEmpty();
		}

		Figures with(String more, List<String> alsoBroken) {
			List<String> all = new ArrayList<>(this.broken);
			if (alsoBroken != null) {
				all.addAll(alsoBroken);
			}
			return new Figures(this.drill, this.what, this.sent, this.accepted, this.stored, this.outcomes,
					this.extra + "; " + more, all);
		}

		String line() {
			return String.format(
					"drill %s: sent %,d, accepted %,d, stored %,d, lost %d, changed %d, stored unconfirmed %d; "
							+ "answers %s; %s; %s",
					this.drill, this.sent, this.accepted, this.stored.stored(), this.stored.lost(),
					this.stored.mismatched(), this.stored.unconfirmed(), this.outcomes, this.extra,
					passed() ? "PASS" : "FAIL: " + String.join(", ", this.broken));
		}

		String row() {
			return String.format("| %s | %s | %,d | %,d | %,d | %d | %s | changed %d, stored unconfirmed %d; %s | %s |",
					this.drill, this.what, this.sent, this.accepted, this.stored.stored(), this.stored.lost(),
					this.outcomes, this.stored.mismatched(), this.stored.unconfirmed(), this.extra,
					passed() ? "held" : "**broken**: " + String.join(", ", this.broken));
		}

	}

	/**
	 * A valid request every 200 ms: when the API takes messages again.
	 */
	static final class Probe implements AutoCloseable {

		private final HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();

		private final LocalPipeline pipeline;

		private final String drill;

		private final AtomicBoolean stopped = new AtomicBoolean();

		private final Map<String, String> accepted = new ConcurrentHashMap<>();

		private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();

		private final List<Long> acceptedAt = new java.util.concurrent.CopyOnWriteArrayList<>();

		private final Thread thread;

		private Probe(LocalPipeline pipeline, String drill) {
			this.pipeline = pipeline;
			this.drill = drill;
			this.thread = new Thread(this::run, "drill-probe");
		}

		static Probe start(LocalPipeline pipeline, String drill) {
			Probe probe = new Probe(pipeline, drill);
			probe.thread.start();
			return probe;
		}

		private void run() {
			long n = 0;
			while (!this.stopped.get()) {
				String data = "{\"email_timestream\":1764201600,\"drill\":\"" + this.drill + "-probe\",\"n\":" + (++n)
						+ "}";
				String outcome;
				try {
					HttpResponse<String> response = this.http
						.send(HttpRequest.newBuilder(this.pipeline.apiUrl().resolve("/ingest"))
							.timeout(Duration.ofSeconds(30))
							.header("Content-Type", "application/json")
							.POST(HttpRequest.BodyPublishers
								.ofString("{\"token\":\"" + this.pipeline.token() + "\",\"data\":" + data + "}"))
							.build(), HttpResponse.BodyHandlers.ofString());
					outcome = Integer.toString(response.statusCode());
					if (response.statusCode() == 202) {
						this.accepted.put(JSON.readTree(response.body()).get("key").asString(), data);
						this.acceptedAt.add(System.nanoTime());
					}
				}
				catch (IOException ex) {
					outcome = "dropped";
				}
				catch (InterruptedException ex) {
					return;
				}
				this.outcomes.computeIfAbsent(outcome, (o) -> new AtomicLong()).incrementAndGet();
				try {
					TimeUnit.MILLISECONDS.sleep(200);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

		/** How long after {@code since} (nanoTime) a probe was next accepted. */
		Duration awaitAcceptedAfter(long since, Duration timeout) throws InterruptedException {
			long deadline = since + timeout.toNanos();
			while (System.nanoTime() < deadline) {
				for (long at : this.acceptedAt) {
					if (at >= since) {
						return Duration.ofNanos(at - since);
					}
				}
				TimeUnit.MILLISECONDS.sleep(50);
			}
			return null;
		}

		Map<String, String> accepted() {
			return Map.copyOf(this.accepted);
		}

		long sent() {
			return this.outcomes.values().stream().mapToLong(AtomicLong::get).sum();
		}

		Map<String, Long> outcomes() {
			Map<String, Long> counts = new java.util.TreeMap<>();
			this.outcomes.forEach((outcome, count) -> counts.put(outcome, count.get()));
			return counts;
		}

		@Override
		public void close() throws InterruptedException {
			this.stopped.set(true);
			this.thread.join();
		}

	}

	/**
	 * Samples a service's heap (its actuator) and RSS ({@code /proc}) every 100 ms.
	 */
	static final class Sampler {

		private final HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(2))
			.build();

		private final LocalPipeline.Service service;

		private final AtomicBoolean stopped = new AtomicBoolean();

		private final AtomicLong heap = new AtomicLong();

		private final AtomicLong heapMax = new AtomicLong();

		private final Thread thread;

		private Sampler(LocalPipeline.Service service) {
			this.service = service;
			this.thread = new Thread(this::run, "drill-sampler");
		}

		static Sampler start(LocalPipeline.Service service) {
			Sampler sampler = new Sampler(service);
			sampler.thread.start();
			return sampler;
		}

		private void run() {
			while (!this.stopped.get()) {
				this.heap.accumulateAndGet(metric("jvm.memory.used"), Math::max);
				this.heapMax.accumulateAndGet(metric("jvm.memory.max"), Math::max);
				try {
					TimeUnit.MILLISECONDS.sleep(100);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

		private long metric(String name) {
			URI uri = this.service.managementUrl().resolve("/actuator/metrics/" + name + "?tag=area:heap");
			try {
				HttpResponse<String> response = this.http.send(
						HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
						HttpResponse.BodyHandlers.ofString());
				return (response.statusCode() != 200) ? 0
						: (long) JSON.readTree(response.body()).get("measurements").get(0).get("value").asDouble();
			}
			catch (IOException | RuntimeException ex) {
				return 0;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return 0;
			}
		}

		Peak stop() throws InterruptedException {
			this.stopped.set(true);
			this.thread.join();
			return new Peak(this.heap.get(), this.heapMax.get(), status(this.service.process().pid(), "VmHWM"));
		}

		/** A field of {@code /proc/<pid>/status} in bytes (0 where there is none). */
		static long status(long pid, String field) {
			try {
				for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
					if (line.startsWith(field + ":")) {
						return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
					}
				}
			}
			catch (IOException | RuntimeException ex) {
				// Not Linux, or the process is gone.
			}
			return 0;
		}

		record Peak(long heapBytes, long heapMaxBytes, long rssBytes) {
		}

	}

}
