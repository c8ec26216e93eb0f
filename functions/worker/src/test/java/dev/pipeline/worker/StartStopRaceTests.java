package dev.pipeline.worker;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.pipeline.testsupport.DelayingProxy;
import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.S3Emulator;
import dev.pipeline.testsupport.SqsEmulator;
import dev.pipeline.worker.listener.ListenerStarter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stop that comes while the start-up check is inside its last SDK call: the check finds
 * the queue after the stop has returned, and must not start polling then.
 */
@IntegrationTest
class StartStopRaceTests {

	static final String QUEUE = "start-stop-race-tests";

	static final String BUCKET = "start-stop-race-tests";

	/** Longer than the stop waits for the check (5 s), shorter than the SDK's timeout. */
	static final Duration LATE = Duration.ofSeconds(7);

	static final SqsEmulator sqsEmulator = Emulators.sqs();

	static final S3Emulator s3Emulator = Emulators.s3();

	@Test
	void aStopDuringTheStartUpCheckLeavesTheListenerStopped() {
		sqsEmulator.createQueueWithDeadLetters(QUEUE, 5, 30);
		s3Emulator.createBucket(BUCKET);
		try (DelayingProxy sqs = DelayingProxy.start(sqsEmulator.endpoint(), "AmazonSQS.GetQueueUrl"::equals, LATE)) {
			Map<String, Object> properties = new HashMap<>(
					WorkerTestSupport.asProperties(sqsEmulator, s3Emulator, QUEUE, BUCKET));
			properties.put("AWS_ENDPOINT_URL_SQS", sqs.endpoint().toString());
			String[] args = properties.entrySet()
				.stream()
				.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
				.toArray(String[]::new);
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WorkerApplication.class)
				.run(args)) {
				ListenerStarter starter = context.getBean(ListenerStarter.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> !sqs.arrivals("AmazonSQS.GetQueueUrl").isEmpty());

				starter.stop();

				// The late answer arrives inside this window; the listener must stay
				// stopped.
				await().during(Duration.ofSeconds(4))
					.atMost(Duration.ofSeconds(6))
					.until(() -> !starter.isReady() && sqs.arrivals("AmazonSQS.ReceiveMessage").isEmpty());
				assertThat(sqs.delayedCalls()).as("the check's GetQueueUrl was answered late").isPositive();
			}
		}
	}

}
