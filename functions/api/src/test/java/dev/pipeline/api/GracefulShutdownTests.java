package dev.pipeline.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pipeline.api.queue.QueuePublisher;
import dev.pipeline.api.token.TokenVerifier;
import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.SqsEmulator;
import dev.pipeline.testsupport.SsmStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpStatus;

import software.amazon.awssdk.services.sqs.SqsClient;

import static dev.pipeline.api.ApiTestSupport.body;
import static dev.pipeline.api.ApiTestSupport.depth;
import static dev.pipeline.api.ApiTestSupport.drain;
import static dev.pipeline.api.ApiTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stop under load, as ECS sends SIGTERM during a deploy: for the drain window new
 * requests get 503 with {@code Retry-After} on connections the server then closes, the
 * web server then drains what it accepted, and only then the queue sender and the token
 * cache stop; no request gets a 500, no connection is dropped, every 202 is on the queue.
 */
@IntegrationTest
class GracefulShutdownTests {

	static final String QUEUE = "graceful-shutdown-tests";

	static final String PARAMETER = "/graceful-shutdown-tests/token";

	static final String TOKEN = ApiTestSupport.newToken();

	static final SqsEmulator sqsEmulator = Emulators.sqs();

	static final SsmStub ssm = Emulators.ssm();

	static final String queueUrl = sqsEmulator.createQueue(QUEUE);

	static final SqsClient sqs = sqsEmulator.client();

	@AfterAll
	static void stopEmulators() {
		sqs.close();
	}

	@Test
	void theSenderAndTheTokenCacheStopAfterTheWebServer() {
		try (ConfigurableApplicationContext context = start()) {
			int web = context.getBeansOfType(SmartLifecycle.class)
				.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().startsWith("webServer"))
				.mapToInt((entry) -> entry.getValue().getPhase())
				.min()
				.orElseThrow();
			assertThat(context.getBean(QueuePublisher.class).getPhase()).isLessThan(web);
			assertThat(context.getBean(TokenVerifier.class).getPhase()).isLessThan(web);
		}
	}

	@Test
	void theDrainWindowStopsBeforeTheGracefulShutdown() {
		try (ConfigurableApplicationContext context = start()) {
			int graceful = context.getBean("webServerGracefulShutdown", SmartLifecycle.class).getPhase();
			assertThat(Phases.DRAIN).isGreaterThan(graceful);
		}
	}

	@Test
	void whileDrainingNewRequestsGet503WithRetryAfterAndTheConnectionCloses() throws Exception {
		ConfigurableApplicationContext context = start("--ingest.shutdown.drain=10s");
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		try (Socket kept = new Socket("127.0.0.1", port)) {
			kept.setSoTimeout(10_000);
			// A kept-alive connection that has already served one request.
			assertThat(exchange(kept, "GET", "/health", "")).startsWith("HTTP/1.1 200");
			CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> get(port, "/health").statusCode() == HttpStatus.SERVICE_UNAVAILABLE.value());

			String answer = exchange(kept, "POST", "/ingest", body(TOKEN, "{\"email_timestream\":1764201600}"));
			long answeredAt = System.nanoTime();

			assertThat(answer).startsWith("HTTP/1.1 503")
				.containsIgnoringCase("\r\nConnection: close\r\n")
				.contains("unavailable-stopping");
			assertThat(kept.getInputStream().read()).as("the server closed the connection after its answer")
				.isEqualTo(-1);
			Matcher retryAfter = Pattern.compile("(?i)\r\nRetry-After: (\\d+)\r\n").matcher(answer);
			assertThat(retryAfter.find()).as("Retry-After in " + answer).isTrue();
			// A client that comes back when told finds the port closed (or another task),
			// never a socket that is closing.
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> refuses(port));
			assertThat(Duration.ofNanos(System.nanoTime() - answeredAt))
				.isLessThan(Duration.ofSeconds(Long.parseLong(retryAfter.group(1))));
			closing.get(30, TimeUnit.SECONDS);
		}
		assertThat(depth(sqs, queueUrl)).isZero();
	}

	@Test
	void aStopUnderLoadAnswersNo500DropsNoConnectionAndLosesNoAcceptedMessage() throws Exception {
		ConfigurableApplicationContext context = start();
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		Set<String> accepted = ConcurrentHashMap.newKeySet();
		Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
		ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
		ConcurrentLinkedQueue<String> stopAnswers = new ConcurrentLinkedQueue<>();
		CountDownLatch loaded = new CountDownLatch(300);
		String request = body(TOKEN, "{\"email_timestream\":1764201600}");
		ExecutorService clients = Executors.newFixedThreadPool(16);
		List<Future<?>> running = new ArrayList<>();
		for (int i = 0; i < 16; i++) {
			// Each client posts on its kept-alive connections until it is told to come
			// back later (503), as a client behind a load balancer would retry elsewhere.
			running.add(clients.submit(() -> {
				while (true) {
					try {
						HttpResponse<String> response = http
							.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ingest"))
								.timeout(Duration.ofSeconds(20))
								.header("Content-Type", "application/json")
								.POST(HttpRequest.BodyPublishers.ofString(request))
								.build(), HttpResponse.BodyHandlers.ofString());
						statuses.computeIfAbsent(response.statusCode(), (s) -> new AtomicInteger()).incrementAndGet();
						if (response.statusCode() == 202) {
							accepted.add(ApiTestSupport.JSON.readTree(response.body()).get("messageId").asString());
							loaded.countDown();
						}
						else {
							stopAnswers.add(response.statusCode() + " Retry-After="
									+ response.headers().firstValue("Retry-After").orElse("none"));
							return null;
						}
					}
					catch (IOException ex) {
						errors.add(ex.getClass().getSimpleName() + ": " + ex.getMessage());
						return null;
					}
				}
			}));
		}
		assertThat(loaded.await(60, TimeUnit.SECONDS)).as("300 requests accepted before the stop").isTrue();
		context.close();
		for (Future<?> client : running) {
			client.get(60, TimeUnit.SECONDS);
		}
		clients.shutdown();

		System.out.printf("SHUTDOWN statuses %s, connection errors %s%n", statuses, errors);
		assertThat(errors).as("connections dropped while stopping").isEmpty();
		// Told to come back after the listening socket has closed: the 2 s window, plus a
		// second.
		assertThat(stopAnswers).as("every client told to retry later")
			.hasSize(16)
			.allMatch((answer) -> answer.equals("503 Retry-After=2") || answer.equals("503 Retry-After=3"));
		assertThat(statuses.keySet()).containsOnly(202, 503);
		Set<String> queued = new HashSet<>();
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			drain(sqs, queueUrl).stream().map(ApiTestSupport::messageIdOf).forEach(queued::add);
			return queued.containsAll(accepted);
		});
		assertThat(queued).containsAll(accepted);
	}

	private static boolean refuses(int port) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

	/** One request on a raw connection, which stays open; the answer's head and body. */
	private static String exchange(Socket socket, String method, String path, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
				+ "Content-Length: " + bytes.length + "\r\n\r\n";
		OutputStream out = socket.getOutputStream();
		out.write(head.getBytes(StandardCharsets.US_ASCII));
		out.write(bytes);
		out.flush();
		InputStream in = socket.getInputStream();
		StringBuilder answer = new StringBuilder();
		int length = -1;
		while (!answer.toString().endsWith("\r\n\r\n")) {
			int next = in.read();
			if (next < 0) {
				throw new IOException("Closed before the answer's head");
			}
			answer.append((char) next);
		}
		boolean chunked = false;
		for (String line : answer.toString().split("\r\n")) {
			if (line.toLowerCase().startsWith("content-length:")) {
				length = Integer.parseInt(line.substring(15).trim());
			}
			chunked |= line.equalsIgnoreCase("Transfer-Encoding: chunked");
		}
		if (length >= 0 || !chunked) {
			// Without a length or chunks the body ends where the server closes.
			byte[] rest = (length >= 0) ? in.readNBytes(length) : in.readAllBytes();
			answer.append(new String(rest, StandardCharsets.UTF_8));
			return answer.toString();
		}
		// Chunked: each chunk's size in hex on a line, then the chunk; size 0 ends it.
		while (true) {
			int size = Integer.parseInt(line(in), 16);
			answer.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
			line(in);
			if (size == 0) {
				return answer.toString();
			}
		}
	}

	private static String line(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int next;
		while ((next = in.read()) != '\n') {
			if (next < 0) {
				throw new IOException("Closed inside a chunked body");
			}
			if (next != '\r') {
				line.append((char) next);
			}
		}
		return line.toString();
	}

	private static ConfigurableApplicationContext start(String... extra) {
		ssm.putSecureString(PARAMETER, TOKEN);
		ConfigurableApplicationContext context = ApiTestSupport.startApi(sqsEmulator, ssm, QUEUE, PARAMETER, extra);
		QueuePublisher publisher = context.getBean(QueuePublisher.class);
		TokenVerifier tokens = context.getBean(TokenVerifier.class);
		await().atMost(Duration.ofSeconds(30)).until(() -> publisher.isReady() && tokens.isReady());
		return context;
	}

}
