package dev.pipeline.worker;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.S3Emulator;
import dev.pipeline.testsupport.SqsEmulator;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.pipeline.worker.WorkerTestSupport.health;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Readiness and liveness are two answers: with its bucket missing the worker is not ready
 * (503, and it does not poll), yet live, so the container health check that ECS runs
 * replaces no task during a dependency outage.
 */
@IntegrationTest
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class LivenessTests {

	static final SqsEmulator sqsEmulator = Emulators.sqs();

	static final S3Emulator s3Emulator = Emulators.s3();

	static {
		sqsEmulator.createQueueWithDeadLetters("liveness-tests", 5, 30);
	}

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@DynamicPropertySource
	static void emulators(DynamicPropertyRegistry registry) {
		WorkerTestSupport.register(registry, sqsEmulator, s3Emulator, "liveness-tests", "no-such-bucket");
	}

	@Test
	void isLiveButNotReadyWhileItsBucketIsMissing() throws Exception {
		await().atMost(Duration.ofSeconds(15)).until(() -> liveness().statusCode() == 200);
		assertThat(liveness().body()).contains("\"status\":\"UP\"");
		assertThat(health(this.port)).isEqualTo(503);
	}

	private HttpResponse<String> liveness() throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + this.managementPort + "/actuator/health/liveness"))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

}
