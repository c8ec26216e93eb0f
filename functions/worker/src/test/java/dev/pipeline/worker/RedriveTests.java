package dev.pipeline.worker;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.pipeline.core.ObjectKeys;
import dev.pipeline.testsupport.AwsEnvironment;
import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.S3Emulator;
import dev.pipeline.testsupport.SqsEmulator;
import dev.pipeline.worker.redrive.Redrive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import static dev.pipeline.worker.WorkerTestSupport.depth;
import static dev.pipeline.worker.WorkerTestSupport.health;
import static dev.pipeline.worker.WorkerTestSupport.keys;
import static dev.pipeline.worker.WorkerTestSupport.sendMany;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's path after an outage: S3 is down long enough that every message reaches
 * the dead-letter queue, S3 comes back, {@code tools/redrive.sh} moves them back, and
 * each ends at exactly the key its client was given, although SQS gave every moved
 * message a MessageId of its own.
 */
@IntegrationTest
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class RedriveTests {

	static final String QUEUE = "redrive-tests";

	static final String BUCKET = "redrive-tests";

	static final int MESSAGES = 40;

	@TempDir
	static Path storage;

	static final int s3Port = S3OutageTests.freePort();

	static final SqsEmulator sqsEmulator = Emulators.sqs();

	/** Two receives, a second apart, before a message goes to the dead-letter queue. */
	static final SqsEmulator.QueuePair queues = sqsEmulator.createQueueWithDeadLetters(QUEUE, 2, 1);

	static S3Emulator s3Emulator;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void emulators(DynamicPropertyRegistry registry) {
		s3Emulator = S3Emulator.onDisk(storage, s3Port);
		s3Emulator.createBucket(BUCKET);
		WorkerTestSupport.register(registry, sqsEmulator, s3Emulator, QUEUE, BUCKET);
	}

	@AfterAll
	static void stopEmulators() {
		s3Emulator.close();
	}

	@Test
	void redrivenMessagesEndAtTheKeysTheirClientsWereGiven() {
		await().atMost(Duration.ofSeconds(15)).until(() -> health(this.port) == 200);
		Instant ingestedAt = Instant.parse("2030-07-01T08:00:00.000Z");
		List<String> bodies = new ArrayList<>();
		for (int i = 0; i < MESSAGES; i++) {
			bodies.add("{\"email_timestream\":1764201600,\"n\":" + i + "}");
		}
		s3Emulator.close();
		List<String> ids;
		try (SqsClient sqs = sqsEmulator.client()) {
			ids = sendMany(sqs, queues.url(), bodies, ingestedAt);
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(250))
				.until(() -> depth(sqs, queues.deadLetterUrl()) == MESSAGES);
			assertThat(depth(sqs, queues.url())).isZero();
		}

		s3Emulator = S3Emulator.onDisk(storage, s3Port);
		Output peek = redrive(QUEUE, "--peek=3");
		assertThat(peek.status()).isZero();
		assertThat(peek.text()).contains(MESSAGES + " visible").contains("3 message(s) listed");
		assertThat(ids.stream().filter((id) -> peek.text().contains("message-id " + id))).hasSize(3);
		assertThat(peek.text()).as("no payload when peeking").doesNotContain("email_timestream");
		Output moved = redrive(QUEUE, "--timeout=60");

		System.out.print("REDRIVE " + peek.text() + "REDRIVE " + moved.text());
		assertThat(moved.status()).as(moved.text()).isZero();
		assertThat(moved.text()).contains("moved " + MESSAGES + " message(s)");
		ObjectKeys keys = new ObjectKeys("emails/");
		Set<String> expected = ids.stream().map((id) -> keys.keyFor(ingestedAt, id)).collect(Collectors.toSet());
		try (SqsClient sqs = sqsEmulator.client(); S3Client s3 = s3Emulator.client()) {
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(250))
				.until(() -> keys(s3, BUCKET, "emails/").size() >= MESSAGES && depth(sqs, queues.url()) == 0);
			assertThat(keys(s3, BUCKET, "emails/")).containsExactlyInAnyOrderElementsOf(expected);
			assertThat(depth(sqs, queues.deadLetterUrl())).isZero();
		}
		assertThat(redrive(QUEUE).text()).contains("is empty; nothing to move");
	}

	@Test
	void refusesAQueueWithoutADeadLetterQueueAndNamesWhatIsMissing() {
		sqsEmulator.createQueue("redrive-tests-plain");
		Output output = redrive("redrive-tests-plain");
		assertThat(output.status()).isEqualTo(1);
		assertThat(output.text()).contains("has no dead-letter queue");
		assertThat(redrive().status()).isEqualTo(64);
		assertThat(redrive(QUEUE, "--rate=0").status()).isEqualTo(64);
	}

	private static Output redrive(String... args) {
		Map<String, String> settings = AwsEnvironment.local().sqs(sqsEmulator.endpoint()).asMap();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		int status = Redrive.run(List.of(args), settings::get, new PrintStream(bytes, true, StandardCharsets.UTF_8));
		return new Output(status, bytes.toString(StandardCharsets.UTF_8));
	}

	record Output(int status, String text) {
	}

}
