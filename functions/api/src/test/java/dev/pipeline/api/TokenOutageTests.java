package dev.pipeline.api;

import java.net.http.HttpResponse;
import java.time.Duration;

import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.SqsEmulator;
import dev.pipeline.testsupport.SsmStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
import static dev.pipeline.api.ApiTestSupport.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The token's life in SSM: background refresh, rotation, and an SSM outage after the
 * first read. Messages go out one by one here ({@code linger=0}), batched elsewhere.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ingest.token.ttl=1s", "ingest.token.cooldown=200ms", "ingest.token.grace=1h",
				"ingest.queue.linger=0s" })
@IntegrationTest
class TokenOutageTests {

	static final String QUEUE = "token-outage-tests";

	static final String PARAMETER = "/token-outage-tests/token";

	static final String DATA = "{\"email_timestream\":1764201600}";

	static final SqsEmulator sqsEmulator = Emulators.sqs();

	static final SsmStub ssm = SsmStub.start();

	static final String queueUrl = sqsEmulator.createQueue(QUEUE);

	static final SqsClient sqs = sqsEmulator.client();

	static String token = ApiTestSupport.newToken();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void emulators(DynamicPropertyRegistry registry) {
		ssm.putSecureString(PARAMETER, token);
		ApiTestSupport.register(registry, sqsEmulator, ssm, QUEUE, PARAMETER);
	}

	@AfterEach
	void endOutage() {
		ssm.recover();
		drain(sqs, queueUrl);
	}

	@AfterAll
	static void stopEmulators() {
		sqs.close();
		ssm.close();
	}

	@Test
	void keepsAcceptingWithTheCachedTokenWhileSsmIsDown() {
		awaitHealthy();
		ssm.failAll();
		int callsAtOutage = ssm.getParameterCalls();
		await().atMost(Duration.ofSeconds(10)).until(() -> ssm.getParameterCalls() >= callsAtOutage + 2);

		HttpResponse<String> response = postJson(this.port, body(token, DATA));
		assertThat(response.statusCode()).isEqualTo(202);
		assertThat(postJson(this.port, body("not-" + token, DATA)).statusCode()).isEqualTo(401);
		assertThat(get(this.port, "/health").statusCode()).isEqualTo(200);
		assertThat(drain(sqs, queueUrl)).hasSize(1);
	}

	@Test
	void acceptsARotatedTokenAtOnceAndDropsTheOldOne() {
		awaitHealthy();
		String old = token;
		String rotated = ApiTestSupport.newToken();
		ssm.putSecureString(PARAMETER, rotated);
		token = rotated;

		await().atMost(Duration.ofSeconds(5)).until(() -> postJson(this.port, body(rotated, DATA)).statusCode() == 202);
		await().atMost(Duration.ofSeconds(5)).until(() -> postJson(this.port, body(old, DATA)).statusCode() == 401);
		assertThat(drain(sqs, queueUrl)).isNotEmpty();
	}

	@Test
	void readsTheTokenAgainInTheBackgroundEveryTtl() {
		awaitHealthy();
		int calls = ssm.getParameterCalls();
		await().atMost(Duration.ofSeconds(10)).until(() -> ssm.getParameterCalls() >= calls + 3);
	}

	private void awaitHealthy() {
		await().atMost(Duration.ofSeconds(30)).until(() -> get(this.port, "/health").statusCode() == 200);
	}

}
