package dev.pipeline.api.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.pipeline.core.QueueMessage;
import dev.pipeline.testsupport.Aws;
import dev.pipeline.testsupport.DelayingProxy;
import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.SqsEmulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SqsException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link SendBatcher} against ElasticMQ, through a proxy that answers sends late (so that
 * a send is reliably in flight while the test adds messages) and records each call.
 */
@IntegrationTest
class SendBatcherTests {

	static final SqsEmulator emulator = Emulators.sqs();

	static final Map<String, MessageAttributeValue> ATTRIBUTES = Map.of(QueueMessage.INGESTED_AT,
			MessageAttributeValue.builder()
				.dataType("String")
				.stringValue(QueueMessage.formatIngestedAt(Instant.parse("2026-11-28T10:00:00Z")))
				.build());

	/** Much longer than any test waits: a message that waited for it fails the test. */
	static final Duration LONG_LINGER = Duration.ofMinutes(5);

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@Test
	void aLoneMessageGoesAtOnceWhateverTheLinger() throws Exception {
		String queueUrl = emulator.createQueue("batcher-alone");
		DelayingProxy proxy = proxy(Duration.ZERO);
		SendBatcher batcher = batcher(proxy, LONG_LINGER);
		for (int i = 0; i < 3; i++) {
			assertThat(batcher.send(queueUrl, "{\"n\":" + i + "}", ATTRIBUTES).get(10, TimeUnit.SECONDS)).isNotBlank();
		}
		assertThat(proxy.arrivals("AmazonSQS.SendMessage")).hasSize(3);
		assertThat(proxy.arrivals("AmazonSQS.SendMessageBatch")).isEmpty();
		assertThat(emulator.depth(queueUrl)).isEqualTo(3);
	}

	@Test
	void messagesArrivingWhileASendIsInFlightShareBatchesThatGoWhenFullOrWhenTheSendCompletes() throws Exception {
		String queueUrl = emulator.createQueue("batcher-shared");
		DelayingProxy proxy = proxy(Duration.ofMillis(500));
		SendBatcher batcher = batcher(proxy, LONG_LINGER);
		List<CompletableFuture<String>> ids = new ArrayList<>();
		ids.add(batcher.send(queueUrl, "{\"n\":0}", ATTRIBUTES));
		await().atMost(Duration.ofSeconds(10)).until(() -> proxy.arrivals("AmazonSQS.SendMessage").size() == 1);
		for (int i = 1; i <= 13; i++) {
			ids.add(batcher.send(queueUrl, "{\"n\":" + i + "}", ATTRIBUTES));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> proxy.arrivals("AmazonSQS.SendMessageBatch").size() == 1);
		assertThat(ids.get(0)).as("the first send is still in flight").isNotDone();
		for (CompletableFuture<String> id : ids) {
			assertThat(id.get(10, TimeUnit.SECONDS)).isNotBlank();
		}
		assertThat(new HashSet<>(ids.stream().map(CompletableFuture::join).toList())).hasSize(14);
		assertThat(proxy.arrivals("AmazonSQS.SendMessage")).as("the first, alone").hasSize(1);
		assertThat(proxy.arrivals("AmazonSQS.SendMessageBatch"))
			.as("ten when full, then the other three once a send completed")
			.hasSize(2);
		assertThat(emulator.depth(queueUrl)).isEqualTo(14);
	}

	@Test
	void theLingerBoundsTheWaitForASendInFlight() throws Exception {
		String queueUrl = emulator.createQueue("batcher-linger");
		DelayingProxy proxy = proxy(Duration.ofSeconds(3));
		SendBatcher batcher = batcher(proxy, Duration.ofMillis(100));
		CompletableFuture<String> first = batcher.send(queueUrl, "{\"n\":0}", ATTRIBUTES);
		await().atMost(Duration.ofSeconds(10)).until(() -> proxy.arrivals("AmazonSQS.SendMessage").size() == 1);
		CompletableFuture<String> second = batcher.send(queueUrl, "{\"n\":1}", ATTRIBUTES);
		await().atMost(Duration.ofSeconds(10)).until(() -> proxy.arrivals("AmazonSQS.SendMessage").size() == 2);
		assertThat(first).as("the second went out while the first was in flight").isNotDone();
		assertThat(second.get(30, TimeUnit.SECONDS)).isNotEqualTo(first.get(30, TimeUnit.SECONDS));
	}

	@Test
	void eachMessageOfABatchGetsItsOwnFailure() throws Exception {
		String queueUrl = emulator.createQueue("batcher-failure");
		DelayingProxy proxy = proxy(Duration.ofMillis(500));
		SendBatcher batcher = batcher(proxy, LONG_LINGER);
		CompletableFuture<String> first = batcher.send(queueUrl, "{\"n\":0}", ATTRIBUTES);
		await().atMost(Duration.ofSeconds(10)).until(() -> proxy.arrivals("AmazonSQS.SendMessage").size() == 1);
		CompletableFuture<String> good = batcher.send(queueUrl, "{\"n\":1}", ATTRIBUTES);
		// SQS refuses this one entry of the batch (InvalidAttributeValue), not the batch.
		CompletableFuture<String> refused = batcher.send(queueUrl, "{\"n\":2}",
				Map.of("n", MessageAttributeValue.builder().dataType("Number").stringValue("not a number").build()));
		assertThat(first.get(10, TimeUnit.SECONDS)).isNotBlank();
		assertThat(good.get(10, TimeUnit.SECONDS)).isNotBlank();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> refused.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(SqsException.class);
		assertThat(proxy.arrivals("AmazonSQS.SendMessageBatch")).hasSize(1);
		assertThat(emulator.depth(queueUrl)).isEqualTo(2);
	}

	@Test
	void closingSendsWhatWaitsAndRefusesWhatComesAfter() throws Exception {
		String queueUrl = emulator.createQueue("batcher-close");
		DelayingProxy proxy = proxy(Duration.ofMillis(500));
		SendBatcher batcher = batcher(proxy, LONG_LINGER);
		CompletableFuture<String> first = batcher.send(queueUrl, "{\"n\":0}", ATTRIBUTES);
		await().atMost(Duration.ofSeconds(10)).until(() -> proxy.arrivals("AmazonSQS.SendMessage").size() == 1);
		CompletableFuture<String> waiting = batcher.send(queueUrl, "{\"n\":1}", ATTRIBUTES);
		batcher.close();
		assertThat(waiting.get(10, TimeUnit.SECONDS)).isNotBlank();
		assertThat(first.get(10, TimeUnit.SECONDS)).isNotBlank();
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> batcher.send(queueUrl, "{\"n\":2}", ATTRIBUTES).get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(IllegalStateException.class);
		assertThat(emulator.depth(queueUrl)).isEqualTo(2);
	}

	@Test
	void aCallTheClientRefusesOutrightFailsItsMessagesAndLeavesNothingInFlight() {
		// No network here: a client whose every call throws before sending anything.
		SqsAsyncClient refusing = new SqsAsyncClient() {

			@Override
			public String serviceName() {
				return "sqs";
			}

			@Override
			public void close() {
			}

		};
		SendBatcher batcher = new SendBatcher(refusing, LONG_LINGER, Executors.newSingleThreadScheduledExecutor(),
				new SimpleMeterRegistry().summary("ingest.batch.size"));
		this.resources.add(batcher);
		for (int i = 0; i < 3; i++) {
			CompletableFuture<String> id = batcher.send("http://queue", "{\"n\":" + i + "}", ATTRIBUTES);
			assertThat(id).as("message %d fails at once, not after the linger", i).isCompletedExceptionally();
		}
	}

	private DelayingProxy proxy(Duration sendDelay) {
		DelayingProxy proxy = DelayingProxy.start(emulator.endpoint(),
				(operation) -> operation.startsWith("AmazonSQS.SendMessage") && !sendDelay.isZero(), sendDelay);
		this.resources.add(proxy);
		return proxy;
	}

	private SendBatcher batcher(DelayingProxy proxy, Duration linger) {
		SqsAsyncClient sqs = SqsAsyncClient.builder()
			.endpointOverride(proxy.endpoint())
			.region(Aws.REGION)
			.credentialsProvider(Aws.CREDENTIALS)
			.httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(8))
			.build();
		this.resources.add(sqs);
		SendBatcher batcher = new SendBatcher(sqs, linger, Executors.newSingleThreadScheduledExecutor(),
				new SimpleMeterRegistry().summary("ingest.batch.size"));
		this.resources.add(batcher);
		return batcher;
	}

}
