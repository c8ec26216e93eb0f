package dev.pipeline.local;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.pipeline.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The local run keeps what is still queued when it stops: messages accepted while the
 * worker was down are stored by the worker of the next run. The only test of this JVM
 * with a queue database: ElasticMQ allows one per JVM.
 */
@IntegrationTest
class QueueRestartTests {

	static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

	static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void messagesQueuedWhenThePipelineStopsAreStoredAfterTheNextStart(@TempDir Path data) throws Exception {
		Path logs = ROOT.resolve("functions/local/target/e2e-logs/queue-restart");
		Files.createDirectories(logs);
		LocalPipeline.Settings settings = LocalPipeline.Settings
			.of(ROOT, data.resolve("s3"), "restart-" + UUID.randomUUID(), LocalPipeline.Ports.any())
			.withQueueDatabase(data.resolve("sqs/emails"))
			.withLogs(logs);
		Map<String, String> accepted = new LinkedHashMap<>();
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		try (LocalPipeline first = LocalPipeline.start(settings)) {
			first.stopWorker();
			for (int i = 0; i < 20; i++) {
				String message = "{\"email_timestream\":1764201600,\"restart\":" + i + "}";
				HttpResponse<String> response = http.send(HttpRequest.newBuilder(first.apiUrl().resolve("/ingest"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers
						.ofString("{\"token\":\"" + settings.token() + "\",\"data\":" + message + "}"))
					.build(), HttpResponse.BodyHandlers.ofString());
				assertThat(response.statusCode()).isEqualTo(202);
				accepted.put(JSON.readTree(response.body()).get("key").asString(), message);
			}
			assertThat(first.bucketFolder().resolve("emails")).doesNotExist();
		}

		try (LocalPipeline second = LocalPipeline.start(settings)) {
			await().atMost(Duration.ofSeconds(60))
				.until(() -> accepted.keySet()
					.stream()
					.allMatch((key) -> Files.isRegularFile(second.bucketFolder().resolve(key))));
			for (Map.Entry<String, String> entry : accepted.entrySet()) {
				assertThat(Files.readString(second.bucketFolder().resolve(entry.getKey()), StandardCharsets.UTF_8))
					.isEqualTo(entry.getValue());
			}
		}
	}

}
