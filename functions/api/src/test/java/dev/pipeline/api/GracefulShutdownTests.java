package dev.pipeline.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import dev.pipeline.api.queue.QueuePublisher;
import dev.pipeline.api.token.TokenVerifier;
import dev.pipeline.testsupport.SqsEmulator;
import dev.pipeline.testsupport.SsmStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import static dev.pipeline.api.ApiTestSupport.body;
import static dev.pipeline.api.ApiTestSupport.drain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stop under load, as ECS sends SIGTERM during a deploy: the web server drains before
 * the queue sender and the token cache stop, so no request gets a 500 and every 202 is on
 * the queue.
 */
class GracefulShutdownTests {

	static final String QUEUE = "graceful-shutdown-tests";

	static final String PARAMETER = "/graceful-shutdown-tests/token";

	static final String TOKEN = ApiTestSupport.newToken();

	static final SqsEmulator sqsEmulator = SqsEmulator.start();

	static final SsmStub ssm = SsmStub.start();

	static final String queueUrl = sqsEmulator.createQueue(QUEUE);

	static final SqsClient sqs = sqsEmulator.client();

	@AfterAll
	static void stopEmulators() {
		sqs.close();
		sqsEmulator.close();
		ssm.close();
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
	void aStopUnderLoadAnswersNo500AndLosesNoAcceptedMessage() throws Exception {
		ConfigurableApplicationContext context = start();
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		Set<String> accepted = ConcurrentHashMap.newKeySet();
		Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
		ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
		CountDownLatch loaded = new CountDownLatch(300);
		String request = body(TOKEN, "{\"email_timestream\":1764201600}");
		ExecutorService clients = Executors.newFixedThreadPool(16);
		List<Future<?>> running = new ArrayList<>();
		for (int i = 0; i < 16; i++) {
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
						else if (response.statusCode() == 503) {
							assertThat(response.headers().firstValue("Retry-After")).isPresent();
						}
					}
					catch (IOException ex) {
						// The server is gone: this client is done.
						errors.add(ex.getClass().getSimpleName());
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

		System.out.printf("SHUTDOWN statuses %s, client errors after the stop %s%n", statuses,
				errors.stream().collect(Collectors.groupingBy((e) -> e, Collectors.counting())));
		// What the application answers is 202, or 503 with Retry-After (checked in the
		// clients). A request that reaches Tomcat at the moment it closes may still get
		// Tomcat's own 400 or a closed connection (seen once in four runs): printed
		// above,
		// not hidden, and an open point of the reliability issue. Never a 500.
		assertThat(statuses).as("no 500 while stopping").doesNotContainKey(500);
		assertThat(statuses.get(202)).as("accepted before and during the stop").isNotNull();
		Set<String> queued = new HashSet<>();
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			drain(sqs, queueUrl).stream().map(Message::messageId).forEach(queued::add);
			return queued.containsAll(accepted);
		});
		assertThat(queued).containsAll(accepted);
	}

	private static ConfigurableApplicationContext start() {
		ssm.putSecureString(PARAMETER, TOKEN);
		ConfigurableApplicationContext context = ApiTestSupport.startApi(sqsEmulator, ssm, QUEUE, PARAMETER);
		QueuePublisher publisher = context.getBean(QueuePublisher.class);
		TokenVerifier tokens = context.getBean(TokenVerifier.class);
		await().atMost(Duration.ofSeconds(30)).until(() -> publisher.isReady() && tokens.isReady());
		return context;
	}

}
