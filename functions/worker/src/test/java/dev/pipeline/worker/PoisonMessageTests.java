package dev.pipeline.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.S3Emulator;
import dev.pipeline.testsupport.SqsEmulator;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import static dev.pipeline.worker.WorkerTestSupport.depth;
import static dev.pipeline.worker.WorkerTestSupport.health;
import static dev.pipeline.worker.WorkerTestSupport.keys;
import static dev.pipeline.worker.WorkerTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Messages that can never be persisted are never deleted by the worker: the redrive
 * policy moves them to the dead-letter queue, and the others keep flowing.
 */
@IntegrationTest
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class PoisonMessageTests {

	static final String QUEUE = "poison-tests";

	static final String BUCKET = "poison-tests";

	static final int MAX_RECEIVES = 3;

	static final SqsEmulator sqsEmulator = Emulators.sqs();

	static final S3Emulator s3Emulator = Emulators.s3();

	static final SqsEmulator.QueuePair queues = sqsEmulator.createQueueWithDeadLetters(QUEUE, MAX_RECEIVES, 1);

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void emulators(DynamicPropertyRegistry registry) {
		s3Emulator.createBucket(BUCKET);
		WorkerTestSupport.register(registry, sqsEmulator, s3Emulator, QUEUE, BUCKET);
	}

	@Test
	void poisonMessagesEndInTheDeadLetterQueueWhileOthersAreStored() {
		await().atMost(Duration.ofSeconds(15)).until(() -> health(this.port) == 200);
		Instant ingestedAt = Instant.parse("2029-02-02T02:02:02.002Z");
		List<String> poison = List.of("not json", "{\"open\":", "[1,2,3]", "{} {}");
		try (SqsClient sqs = sqsEmulator.client(); S3Client s3 = s3Emulator.client()) {
			for (String body : poison) {
				send(sqs, queues.url(), body, ingestedAt);
			}
			List<String> good = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				good.add(send(sqs, queues.url(), "{\"n\":" + i + "}", ingestedAt));
			}
			await().atMost(Duration.ofSeconds(15)).until(() -> keys(s3, BUCKET, "emails/2029/02/02/").size() == 20);
			assertThat(this.meters.counter("persist.failures", "reason", "not-json").count()).isPositive();

			await().atMost(Duration.ofSeconds(30)).until(() -> depth(sqs, queues.deadLetterUrl()) == poison.size());
			await().atMost(Duration.ofSeconds(10)).until(() -> depth(sqs, queues.url()) == 0);
			List<Message> dead = sqs
				.receiveMessage((request) -> request.queueUrl(queues.deadLetterUrl())
					.maxNumberOfMessages(10)
					.messageSystemAttributeNamesWithStrings("ApproximateReceiveCount"))
				.messages();
			assertThat(dead).extracting(Message::body).containsExactlyInAnyOrderElementsOf(poison);
			assertThat(keys(s3, BUCKET, "emails/2029/02/02/")).hasSize(20);
		}
	}

}
