package dev.pipeline.api;

import java.net.http.HttpResponse;
import java.time.Duration;

import dev.pipeline.api.queue.QueuePublisher;
import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.SqsEmulator;
import dev.pipeline.testsupport.SsmStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import software.amazon.awssdk.services.sqs.SqsClient;

import static dev.pipeline.api.ApiTestSupport.body;
import static dev.pipeline.api.ApiTestSupport.depth;
import static dev.pipeline.api.ApiTestSupport.drain;
import static dev.pipeline.api.ApiTestSupport.get;
import static dev.pipeline.api.ApiTestSupport.json;
import static dev.pipeline.api.ApiTestSupport.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the queue would refuse for the client's fault is the client's error, never a
 * retryable 503: data that with its attribute exceeds the queue's MaximumMessageSize is a
 * 413, characters SQS does not accept are a 400, and a body limit above the queue's
 * maximum keeps the API unready.
 */
@IntegrationTest
class QueueLimitTests {

	static final String QUEUE = "queue-limit-tests";

	static final String PARAMETER = "/queue-limit-tests/token";

	/** Short, so that a body within the limit can carry data the queue refuses. */
	static final String TOKEN = "t1";

	static final SqsEmulator sqsEmulator = Emulators.sqs();

	static final SsmStub ssm = Emulators.ssm();

	static final String queueUrl = sqsEmulator.createQueue(QUEUE);

	static final SqsClient sqs = sqsEmulator.client();

	@AfterAll
	static void stopEmulators() {
		sqs.close();
	}

	@Test
	void dataTheQueueWouldRefuseIsTheClientsError() {
		try (ConfigurableApplicationContext context = start("256KB")) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			await().atMost(Duration.ofSeconds(30)).until(() -> get(port, "/health").statusCode() == 200);

			// Within the 256 KiB body limit, but one byte over SQS's 262,144 bytes with
			// the
			// ingested-at attribute (41 bytes).
			String empty = "{\"email_timestream\":1764201600,\"p\":\"\"}";
			String data = "{\"email_timestream\":1764201600,\"p\":\"" + "x".repeat(262_144 - 41 + 1 - empty.length())
					+ "\"}";
			assertThat(body(TOKEN, data).length()).isLessThanOrEqualTo(262_144);
			HttpResponse<String> large = postJson(port, body(TOKEN, data));
			assertThat(large.statusCode()).isEqualTo(413);
			assertThat(json(large).get("detail").asString()).contains("262144-byte");

			HttpResponse<String> invalid = postJson(port,
					body(TOKEN, "{\"email_timestream\":1764201600,\"p\":\"\uFFFF\"}"));
			assertThat(invalid.statusCode()).isEqualTo(400);
			assertThat(json(invalid).get("errors").get(0).get("field").asString()).isEqualTo("data");

			assertThat(postJson(port, body(TOKEN, "{\"email_timestream\":1764201600}")).statusCode()).isEqualTo(202);
			assertThat(drain(sqs, queueUrl)).hasSize(1);
			assertThat(depth(sqs, queueUrl)).isZero();
		}
	}

	@Test
	void aBodyLimitAboveTheQueuesMaximumKeepsTheApiUnready() {
		// ElasticMQ reports no MaximumMessageSize: SQS's default, 256 KiB, applies.
		try (ConfigurableApplicationContext context = start("1MB")) {
			QueuePublisher publisher = context.getBean(QueuePublisher.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> publisher.misconfiguration() != null);
			assertThat(publisher.isReady()).isFalse();
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			assertThat(get(port, "/health").statusCode()).isEqualTo(503);
		}
	}

	private static ConfigurableApplicationContext start(String bodyLimit) {
		ssm.putSecureString(PARAMETER, TOKEN);
		return ApiTestSupport.startApi(sqsEmulator, ssm, QUEUE, PARAMETER, "--ingest.body.limit=" + bodyLimit);
	}

}
