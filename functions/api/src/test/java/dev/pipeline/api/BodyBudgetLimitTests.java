package dev.pipeline.api;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

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

import static dev.pipeline.api.ApiTestSupport.body;
import static dev.pipeline.api.ApiTestSupport.drain;
import static dev.pipeline.api.ApiTestSupport.get;
import static dev.pipeline.api.ApiTestSupport.json;
import static dev.pipeline.api.ApiTestSupport.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bodies the API holds at once are bounded: with room for one large body, a client
 * that declares 200 KB and sends them slowly holds it, a second large body is refused
 * with 503 and {@code Retry-After} before it is read, and once the slow client is gone
 * bodies are accepted again.
 */
@IntegrationTest
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "ingest.body.budget=300KB")
class BodyBudgetLimitTests {

	static final String QUEUE = "body-budget-tests";

	static final String PARAMETER = "/body-budget-tests/token";

	static final String TOKEN = ApiTestSupport.newToken();

	static final SqsEmulator sqsEmulator = Emulators.sqs();

	static final SsmStub ssm = Emulators.ssm();

	static final String queueUrl = sqsEmulator.createQueue(QUEUE);

	static final SqsClient sqs = sqsEmulator.client();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void emulators(DynamicPropertyRegistry registry) {
		ssm.putSecureString(PARAMETER, TOKEN);
		ApiTestSupport.register(registry, sqsEmulator, ssm, QUEUE, PARAMETER);
	}

	@AfterAll
	static void stopEmulators() {
		sqs.close();
	}

	@Test
	void aSlowLargeBodyHoldsTheBudgetAndAnotherLargeBodyGets503UntilItIsGone() throws Exception {
		await().atMost(Duration.ofSeconds(30)).until(() -> get(this.port, "/health").statusCode() == 200);
		String large = body(TOKEN, "{\"email_timestream\":1764201600,\"pad\":\"" + "x".repeat(200 * 1024) + "\"}");
		try (Socket slow = new Socket("127.0.0.1", this.port)) {
			OutputStream out = slow.getOutputStream();
			out.write(("POST /ingest HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
					+ large.length() + "\r\n\r\n{\"token\":")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			HttpResponse<String> refused = await().atMost(Duration.ofSeconds(10))
				.until(() -> postJson(this.port, large), (response) -> response.statusCode() == 503);
			assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(json(refused).get("type").asString()).endsWith("unavailable-busy");
			assertThat(postJson(this.port, body(TOKEN, "{\"email_timestream\":1764201600}")).statusCode())
				.as("a small body still fits")
				.isEqualTo(202);
		}
		HttpResponse<String> accepted = await().atMost(Duration.ofSeconds(10))
			.until(() -> postJson(this.port, large), (response) -> response.statusCode() != 503);
		assertThat(accepted.statusCode()).isEqualTo(202);
		drain(sqs, queueUrl);
	}

}
