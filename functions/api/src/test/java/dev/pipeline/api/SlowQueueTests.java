package dev.pipeline.api;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.pipeline.testsupport.DelayingProxy;
import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.SqsEmulator;
import dev.pipeline.testsupport.SsmStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import static dev.pipeline.api.ApiTestSupport.body;
import static dev.pipeline.api.ApiTestSupport.drain;
import static dev.pipeline.api.ApiTestSupport.get;
import static dev.pipeline.api.ApiTestSupport.json;
import static dev.pipeline.api.ApiTestSupport.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SQS stores each message but answers late (3 s, a proxy between the API and ElasticMQ):
 * the API waits for the answer instead of sending again, so each accepted request is on
 * the queue exactly once, and none is answered 503 although it was queued.
 */
@IntegrationTest
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SlowQueueTests {

	static final String QUEUE = "slow-queue-tests";

	static final String PARAMETER = "/slow-queue-tests/token";

	static final String TOKEN = ApiTestSupport.newToken();

	static final SqsEmulator sqsEmulator = Emulators.sqs();

	static final SsmStub ssm = Emulators.ssm();

	static final String queueUrl = sqsEmulator.createQueue(QUEUE);

	static final SqsClient sqs = sqsEmulator.client();

	static final DelayingProxy slowSqs = DelayingProxy.start(sqsEmulator.endpoint(),
			(operation) -> operation.startsWith("AmazonSQS.SendMessage"), Duration.ofSeconds(3));

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void emulators(DynamicPropertyRegistry registry) {
		ssm.putSecureString(PARAMETER, TOKEN);
		ApiTestSupport.register(registry, sqsEmulator, ssm, QUEUE, PARAMETER);
		registry.add("AWS_ENDPOINT_URL_SQS", () -> slowSqs.endpoint().toString());
	}

	@AfterAll
	static void stop() {
		slowSqs.close();
		sqs.close();
	}

	@Test
	void aSlowAnswerIsAwaitedNotSentAgain() {
		await().atMost(Duration.ofSeconds(30)).until(() -> get(this.port, "/health").statusCode() == 200);
		List<CompletableFuture<HttpResponse<String>>> sent = IntStream.range(0, 4)
			.mapToObj((i) -> CompletableFuture.supplyAsync(
					() -> postJson(this.port, body(TOKEN, "{\"email_timestream\":1764201600,\"n\":" + i + "}"))))
			.toList();
		List<HttpResponse<String>> responses = sent.stream().map(CompletableFuture::join).toList();

		assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(202);
		assertThat(slowSqs.delayedCalls()).isPositive();
		Set<String> accepted = responses.stream()
			.map((response) -> json(response).get("messageId").asString())
			.collect(Collectors.toSet());
		List<Message> queued = drain(sqs, queueUrl);
		assertThat(queued).extracting(ApiTestSupport::messageIdOf).containsExactlyInAnyOrderElementsOf(accepted);
		assertThat(queued).hasSize(4);
	}

}
