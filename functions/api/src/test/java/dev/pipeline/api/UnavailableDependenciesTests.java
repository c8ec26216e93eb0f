package dev.pipeline.api;

import java.net.http.HttpResponse;
import java.time.Duration;

import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.SqsEmulator;
import dev.pipeline.testsupport.SsmStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.pipeline.api.ApiTestSupport.body;
import static dev.pipeline.api.ApiTestSupport.get;
import static dev.pipeline.api.ApiTestSupport.json;
import static dev.pipeline.api.ApiTestSupport.postJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A start with SSM down and no queue yet, then SQS going away: 503 with
 * {@code Retry-After}, never a 202 for a message that was not queued.
 */
@IntegrationTest
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "ingest.token.cooldown=1s")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UnavailableDependenciesTests {

	static final String QUEUE = "created-late";

	static final String PARAMETER = "/unavailable-tests/token";

	static final String TOKEN = ApiTestSupport.newToken();

	static final String DATA = "{\"email_timestream\":1764201600}";

	static final SqsEmulator sqsEmulator = SqsEmulator.start();

	static final SsmStub ssm = SsmStub.start();

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@DynamicPropertySource
	static void emulators(DynamicPropertyRegistry registry) {
		ssm.putSecureString(PARAMETER, TOKEN);
		ssm.failAll();
		ApiTestSupport.register(registry, sqsEmulator, ssm, QUEUE, PARAMETER);
	}

	@AfterAll
	static void stopEmulators() {
		sqsEmulator.close();
		ssm.close();
	}

	@Test
	@Order(1)
	void answers503WithRetryAfterUntilTheTokenWasReadOnce() {
		HttpResponse<String> response = postJson(this.port, body(TOKEN, DATA));
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(response.body()).doesNotContain(TOKEN);
		assertThat(get(this.port, "/health").statusCode()).isEqualTo(503);
		assertThat(json(get(this.port, "/health")).get("status").asString()).isEqualTo("DOWN");
	}

	@Test
	@Order(1)
	void staysLiveWhileNotReadySoTheContainerCheckReplacesNoTask() {
		assertThat(get(this.port, "/health").statusCode()).isEqualTo(503);
		HttpResponse<String> liveness = get(this.managementPort, "/actuator/health/liveness");
		assertThat(liveness.statusCode()).isEqualTo(200);
		assertThat(json(liveness).get("status").asString()).isEqualTo("UP");
	}

	@Test
	@Order(2)
	void staysUnhealthyUntilTheQueueExists() {
		ssm.recover();
		HttpResponse<String> response = await().atMost(Duration.ofSeconds(10))
			.until(() -> postJson(this.port, body(TOKEN, DATA)),
					(r) -> r.statusCode() != 503 || json(r).get("type").asString().endsWith("unavailable-queue"));
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Retry-After")).isPresent();
		assertThat(response.body()).as("no internal name in a response").doesNotContain(QUEUE);
		assertThat(get(this.port, "/health").statusCode()).isEqualTo(503);

		sqsEmulator.createQueue(QUEUE);
		await().atMost(Duration.ofSeconds(15)).until(() -> get(this.port, "/health").statusCode() == 200);
		assertThat(postJson(this.port, body(TOKEN, DATA)).statusCode()).isEqualTo(202);
	}

	@Test
	@Order(3)
	void answers503WhenTheQueueRefusesAndNever202() {
		sqsEmulator.close();
		HttpResponse<String> response = postJson(this.port, body(TOKEN, DATA));
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Retry-After")).isPresent();
		assertThat(json(response).get("type").asString()).endsWith("unavailable-queue");
	}

}
