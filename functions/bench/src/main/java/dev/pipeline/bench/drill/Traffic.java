package dev.pipeline.bench.drill;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.json.JsonMapper;

/**
 * Clients posting valid, distinct messages to the API until stopped (or until a number of
 * them was accepted): after a 503 each waits as long as its {@code Retry-After} says,
 * after any other failure briefly, and goes on. What it goes on with is its
 * {@link Retry}: the next message, or the same one again until it is accepted, with or
 * without an {@code Idempotency-Key}. Every answer is counted; every 202 is kept with the
 * data sent, to be found in the bucket later.
 */
final class Traffic implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration PAUSE = Duration.ofMillis(100);

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private final URI ingest;

	private final String token;

	private final String drill;

	private final long target;

	private final AtomicBoolean stopped = new AtomicBoolean();

	private final AtomicLong sequence = new AtomicLong();

	private final Map<String, String> accepted = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();

	private final List<Thread> clients = new ArrayList<>();

	private final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

	private final Retry retry;

	/**
	 * How long a retrying client goes on after {@link #close()} for a message it began.
	 */
	private static final Duration FINISH = Duration.ofSeconds(90);

	private volatile long stoppedAt;

	/** What a client does after a failed request. */
	enum Retry {

		/** Sends the next message: the failed one may or may not have been queued. */
		NEXT,
		/** Sends the same message again, until accepted, without an idempotency key. */
		SAME_BODY,
		/**
		 * Sends the same message again, until accepted, with the same Idempotency-Key.
		 */
		IDEMPOTENCY_KEY

	}

	private Traffic(URI api, String token, String drill, long target, Retry retry) {
		this.ingest = api.resolve("/ingest");
		this.token = token;
		this.drill = drill;
		this.target = target;
		this.retry = retry;
	}

	/**
	 * Starts the clients.
	 * @param api the API's base URL
	 * @param token the valid token
	 * @param drill the drill's name, part of every message
	 * @param clients how many clients post at once
	 * @param target stop once this many were accepted ({@link Long#MAX_VALUE}: never)
	 * @return the running traffic
	 */
	static Traffic start(URI api, String token, String drill, int clients, long target) {
		return start(api, token, drill, clients, target, Retry.NEXT);
	}

	/**
	 * Starts clients that retry a failed message as {@code retry} says.
	 * @param api the API's base URL
	 * @param token the valid token
	 * @param drill the name of the drill and of these clients, part of every message
	 * @param clients how many clients post at once
	 * @param target stop once this many were accepted ({@link Long#MAX_VALUE}: never)
	 * @param retry what a client does after a failure
	 * @return the running traffic
	 */
	static Traffic start(URI api, String token, String drill, int clients, long target, Retry retry) {
		Traffic traffic = new Traffic(api, token, drill, target, retry);
		for (int i = 0; i < clients; i++) {
			Thread client = new Thread(traffic::post, "drill-client-" + i);
			traffic.clients.add(client);
			client.start();
		}
		return traffic;
	}

	private void post() {
		long n = 0;
		boolean unanswered = false;
		while (this.accepted.size() < this.target) {
			if (this.stopped.get()) {
				// A client that retries finishes the message it began, as a real one
				// would.
				boolean finishing = this.retry != Retry.NEXT && unanswered
						&& System.nanoTime() - this.stoppedAt < FINISH.toNanos();
				if (!finishing) {
					return;
				}
			}
			if (!unanswered) {
				n = this.sequence.incrementAndGet();
			}
			String data = "{\"email_timestream\":1764201600,\"drill\":\"" + this.drill + "\",\"n\":" + n + "}";
			HttpRequest.Builder request = HttpRequest.newBuilder(this.ingest)
				.timeout(Duration.ofSeconds(30))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + this.token + "\",\"data\":" + data + "}"));
			if (this.retry == Retry.IDEMPOTENCY_KEY) {
				request.header("Idempotency-Key", this.drill + "-" + n);
			}
			String outcome;
			Duration pause = PAUSE;
			try {
				HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
				outcome = Integer.toString(response.statusCode());
				pause = response.headers()
					.firstValue("Retry-After")
					.map((seconds) -> Duration.ofSeconds(Long.parseLong(seconds)))
					.orElse(PAUSE);
				if (response.statusCode() == 202) {
					this.accepted.put(JSON.readTree(response.body()).get("key").asString(), data);
				}
			}
			catch (ConnectException ex) {
				outcome = "refused";
			}
			catch (HttpTimeoutException ex) {
				outcome = "timed-out";
			}
			catch (IOException ex) {
				outcome = "dropped";
				if (this.failures.size() < 5) {
					this.failures.add(ex.getClass().getSimpleName() + ": " + ex.getMessage());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			this.outcomes.computeIfAbsent(outcome, (o) -> new AtomicLong()).incrementAndGet();
			unanswered = !"202".equals(outcome) && this.retry != Retry.NEXT;
			if (!"202".equals(outcome)) {
				pause(pause);
			}
		}
	}

	private static void pause(Duration pause) {
		try {
			Thread.sleep(pause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Waits until the target number was accepted.
	 * @param timeout how long at most
	 */
	void awaitTarget(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (Thread client : this.clients) {
			client.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
		}
	}

	/**
	 * The name of these clients, in every message they send.
	 * @return the name
	 */
	String drill() {
		return this.drill;
	}

	/**
	 * How many requests were sent so far.
	 * @return the count
	 */
	long sent() {
		return this.outcomes.values().stream().mapToLong(AtomicLong::get).sum();
	}

	/**
	 * The accepted messages so far, by the key the API answered.
	 * @return key to data
	 */
	Map<String, String> accepted() {
		return Map.copyOf(this.accepted);
	}

	/**
	 * Counts of each outcome: a status, {@code refused} (no connection could be made),
	 * {@code dropped} (the connection failed during the exchange) or {@code timed-out}.
	 * @return outcome to count
	 */
	Map<String, Long> outcomes() {
		Map<String, Long> counts = new TreeMap<>();
		this.outcomes.forEach((outcome, count) -> counts.put(outcome, count.get()));
		return counts;
	}

	/**
	 * The first few dropped connections, as the client saw them.
	 * @return exception class and message
	 */
	List<String> failures() {
		return List.copyOf(this.failures);
	}

	@Override
	public void close() throws InterruptedException {
		this.stoppedAt = System.nanoTime();
		this.stopped.set(true);
		for (Thread client : this.clients) {
			client.join();
		}
	}

}
