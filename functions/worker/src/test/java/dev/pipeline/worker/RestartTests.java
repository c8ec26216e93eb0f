package dev.pipeline.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import dev.pipeline.core.ObjectKeys;
import dev.pipeline.testsupport.DelayingProxy;
import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.S3Emulator;
import dev.pipeline.testsupport.SqsEmulator;
import dev.pipeline.worker.listener.ListenerStarter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import static dev.pipeline.worker.WorkerTestSupport.depth;
import static dev.pipeline.worker.WorkerTestSupport.keys;
import static dev.pipeline.worker.WorkerTestSupport.sendMany;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker is stopped while messages are in flight, then started again: the stop
 * finishes in-flight messages and their deletes within the budget, and the second run
 * stores the rest.
 */
@IntegrationTest
class RestartTests {

	static final String QUEUE = "restart-tests";

	static final String BUCKET = "restart-tests";

	static final int MESSAGES = 1500;

	static final SqsEmulator sqsEmulator = Emulators.sqs();

	static final S3Emulator s3Emulator = Emulators.s3();

	static final SqsEmulator.QueuePair queues = sqsEmulator.createQueueWithDeadLetters(QUEUE, 5, 5);

	@Test
	void stopsWithinItsBudgetLeavingNoStoredMessageUndeletedAndResumesOnRestart() {
		s3Emulator.createBucket(BUCKET);
		Instant ingestedAt = Instant.parse("2028-08-08T08:08:08.008Z");
		String prefix = "emails/2028/08/08/";
		List<String> bodies = new ArrayList<>();
		for (int i = 0; i < MESSAGES; i++) {
			bodies.add("{\"n\":" + i + "}");
		}
		Map<String, Object> properties = Map
			.copyOf(WorkerTestSupport.asProperties(sqsEmulator, s3Emulator, QUEUE, BUCKET));
		Map<String, Object> throughProxy = new HashMap<>(properties);
		try (SqsClient sqs = sqsEmulator.client();
				S3Client s3 = s3Emulator.client();
				DelayingProxy watch = DelayingProxy.start(sqsEmulator.endpoint(), (operation) -> false,
						Duration.ZERO)) {
			List<String> ids = sendMany(sqs, queues.url(), bodies, ingestedAt);
			throughProxy.put("AWS_ENDPOINT_URL_SQS", watch.endpoint().toString());

			ConfigurableApplicationContext first = start(throughProxy);
			await().atMost(Duration.ofSeconds(30)).until(() -> keys(s3, BUCKET, prefix).size() >= 100);
			long stopStart = System.nanoTime();
			// The listener's own stop first (closing the context reaches it only after
			// the phases above it, while it still polls), then the rest of the context.
			first.getBean(ListenerStarter.class).stop();
			long listenerStopped = System.nanoTime();
			first.close();
			Duration stopTook = Duration.ofNanos(System.nanoTime() - stopStart);
			int stored = keys(s3, BUCKET, prefix).size();
			int onQueue = depth(sqs, queues.url());
			System.out.printf("RESTART stop took %d ms with %d stored and %d on the queue%n", stopTook.toMillis(),
					stored, onQueue);
			assertThat(stored).isLessThan(MESSAGES);
			assertThat(stopTook).isLessThan(Duration.ofSeconds(20));
			assertThat(stored + onQueue).as("every stored message deleted, every other one still queued")
				.isEqualTo(MESSAGES);
			// The stop waits for the polls under way; once it returned no receive is
			// sent.
			assertThat(watch.arrivals("AmazonSQS.ReceiveMessage").stream().filter((at) -> at > listenerStopped))
				.as("receives sent after the listener stopped")
				.isEmpty();

			try (ConfigurableApplicationContext second = start(properties)) {
				await().atMost(Duration.ofSeconds(60))
					.pollInterval(Duration.ofMillis(250))
					.until(() -> keys(s3, BUCKET, prefix).size() == MESSAGES && depth(sqs, queues.url()) == 0);
			}
			ObjectKeys keys = new ObjectKeys("emails/");
			HashSet<String> expected = new HashSet<>();
			ids.forEach((id) -> expected.add(keys.keyFor(ingestedAt, id)));
			assertThat(keys(s3, BUCKET, prefix)).containsExactlyInAnyOrderElementsOf(expected);
			assertThat(depth(sqs, queues.deadLetterUrl())).isZero();
		}
	}

	private static ConfigurableApplicationContext start(Map<String, Object> properties) {
		// As arguments, which take precedence over application.yaml, unlike default
		// properties.
		String[] args = properties.entrySet()
			.stream()
			.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
		return new SpringApplicationBuilder(WorkerApplication.class).run(args);
	}

}
