package dev.pipeline.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.pipeline.core.Correlation;
import dev.pipeline.core.MessageIds;
import dev.pipeline.core.ObjectKeys;
import dev.pipeline.core.QueueMessage;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.worker.redrive.Redrive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The seed flow against LocalStack's SSM, SQS and S3 (real AWS APIs in Docker), with the
 * API and the worker as processes from their jars, configured only by the SDK's standard
 * endpoint variables: token, ingest, worker, object, delete, dead-letter queue. An extra
 * path beside the emulator tests: skipped, and reported as skipped, where no Docker
 * engine runs; GitHub's runners have one (ci.yml).
 */
@IntegrationTest
@Testcontainers(disabledWithoutDocker = true)
class LocalStackPipelineTests {

	static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	static final String TOKEN = "localstack-" + UUID.randomUUID();

	static final String PARAMETER = "/ingest-pipeline/localstack/token";

	static final String QUEUE = "emails";

	static final String BUCKET = "ingest-pipeline-localstack";

	// Pinned: newer tags want an auth token.
	@Container
	static final LocalStackContainer localstack = new LocalStackContainer(
			DockerImageName.parse("localstack/localstack:4.12"));

	@TempDir
	static Path logs;

	static final List<Process> services = new ArrayList<>();

	static int apiPort;

	static String deadLetterUrl;

	@BeforeAll
	static void start() throws Exception {
		try (SsmClient ssm = SsmClient.builder()
			.endpointOverride(localstack.getEndpoint())
			.region(region())
			.credentialsProvider(credentials())
			.build(); SqsClient sqs = sqs(); S3Client s3 = s3()) {
			ssm.putParameter((request) -> request.name(PARAMETER).type(ParameterType.SECURE_STRING).value(TOKEN));
			deadLetterUrl = sqs.createQueue((request) -> request.queueName(QUEUE + "-dlq")).queueUrl();
			String deadLetterArn = sqs
				.getQueueAttributes(
						(request) -> request.queueUrl(deadLetterUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
				.attributes()
				.get(QueueAttributeName.QUEUE_ARN);
			sqs.createQueue((request) -> request.queueName(QUEUE)
				.attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "5", QueueAttributeName.REDRIVE_POLICY,
						"{\"deadLetterTargetArn\":\"" + deadLetterArn + "\",\"maxReceiveCount\":\"2\"}")));
			s3.createBucket((request) -> request.bucket(BUCKET));
		}
		apiPort = LocalPipeline.freePort();
		Map<String, String> aws = Map.of("AWS_REGION", localstack.getRegion(), "AWS_ACCESS_KEY_ID",
				localstack.getAccessKey(), "AWS_SECRET_ACCESS_KEY", localstack.getSecretKey(), "AWS_ENDPOINT_URL",
				localstack.getEndpoint().toString());
		services.add(launch("api", aws, Map.of("INGEST_TOKEN_PARAMETER", PARAMETER, "INGEST_QUEUE_NAME", QUEUE,
				"SERVER_PORT", Integer.toString(apiPort), "MANAGEMENT_SERVER_PORT", "0")));
		int workerPort = LocalPipeline.freePort();
		services.add(launch("worker", aws, Map.of("PERSIST_QUEUE_NAME", QUEUE, "PERSIST_BUCKET_NAME", BUCKET,
				"SERVER_PORT", Integer.toString(workerPort), "MANAGEMENT_SERVER_PORT", "0")));
		await().atMost(Duration.ofSeconds(90)).until(() -> HttpStatus.of(apiPort, "/health") == 200);
		await().atMost(Duration.ofSeconds(90)).until(() -> HttpStatus.of(workerPort, "/health") == 200);
	}

	@AfterAll
	static void stop() throws InterruptedException {
		for (Process service : services) {
			service.destroy();
			if (!service.waitFor(30, TimeUnit.SECONDS)) {
				service.destroyForcibly();
			}
		}
	}

	@Test
	void bothSeedExamplesEndAsObjectsAtTheKeysTheApiToldAndLeaveTheQueue() throws Exception {
		String first = "{\"email_timestream\":1764201600,\"hello\":\"world\"}";
		String second = "{\"email_subject\":\"Hi\",\"email_sender\":\"a@example.com\",\"email_timestream\":\"1764201600\","
				+ "\"email_content\":\"Hello\"}";
		try (S3Client s3 = s3(); SqsClient sqs = sqs()) {
			for (String data : List.of(first, second)) {
				HttpResponse<String> response = post("{\"token\":\"" + TOKEN + "\",\"data\":" + data + "}");
				assertThat(response.statusCode()).isEqualTo(202);
				String key = JSON.readTree(response.body()).get("key").asString();
				await().atMost(Duration.ofSeconds(60))
					.until(() -> s3.listObjectsV2((request) -> request.bucket(BUCKET).prefix(key))
						.contents()
						.size() == 1);
				assertThat(s3.getObjectAsBytes((request) -> request.bucket(BUCKET).key(key)).asUtf8String())
					.isEqualTo(data);
			}
			String queueUrl = sqs.getQueueUrl((request) -> request.queueName(QUEUE)).queueUrl();
			await().atMost(Duration.ofSeconds(30)).until(() -> depth(sqs, queueUrl) == 0);
		}
	}

	@Test
	void aWrongTokenIs401AndQueuesNothing() throws Exception {
		HttpResponse<String> response = post("{\"token\":\"wrong\",\"data\":{\"email_timestream\":1764201600}}");
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).doesNotContain(TOKEN);
	}

	@Test
	void aMessageThatCannotBeStoredEndsInTheDeadLetterQueue() {
		try (SqsClient sqs = sqs()) {
			String queueUrl = sqs.getQueueUrl((request) -> request.queueName(QUEUE)).queueUrl();
			sqs.sendMessage((request) -> request.queueUrl(queueUrl).messageBody("not json"));
			await().atMost(Duration.ofSeconds(90)).until(() -> depth(sqs, deadLetterUrl) == 1);
		}
	}

	@Test
	void aDeadLetterRedrivenOnceItsCauseIsGoneEndsAtTheKeyItsClientWasGiven() throws Exception {
		// The cause: another message's object at the key (key-taken), which keeps this
		// one
		// from being stored until it is removed.
		String id = MessageIds.random();
		Instant ingestedAt = Instant.parse("2031-03-04T05:06:07.008Z");
		String key = new ObjectKeys(ObjectKeys.DEFAULT_PREFIX).keyFor(ingestedAt, id);
		try (SqsClient sqs = sqs(); S3Client s3 = s3()) {
			s3.putObject((request) -> request.bucket(BUCKET).key(key).metadata(Map.of("message-id", "someone-else")),
					RequestBody.fromString("{}"));
			String queueUrl = sqs.getQueueUrl((request) -> request.queueName(QUEUE)).queueUrl();
			QueueMessage message = new QueueMessage(id, "{\"email_timestream\":1764201600,\"redrive\":true}",
					ingestedAt, Correlation.of(null, null));
			sqs.sendMessage((request) -> request.queueUrl(queueUrl)
				.messageBody(message.body())
				.messageAttributes(message.attributes()));
			await().atMost(Duration.ofSeconds(90)).until(() -> depth(sqs, deadLetterUrl) >= 1);
			s3.deleteObject((request) -> request.bucket(BUCKET).key(key));

			ByteArrayOutputStream report = new ByteArrayOutputStream();
			Map<String, String> settings = Map.of("AWS_REGION", localstack.getRegion(), "AWS_ACCESS_KEY_ID",
					localstack.getAccessKey(), "AWS_SECRET_ACCESS_KEY", localstack.getSecretKey(),
					"AWS_ENDPOINT_URL_SQS", localstack.getEndpoint().toString());
			int status = Redrive.run(List.of(QUEUE, "--timeout=60"), settings::get,
					new PrintStream(report, true, StandardCharsets.UTF_8));

			assertThat(status).as(report.toString(StandardCharsets.UTF_8)).isZero();
			await().atMost(Duration.ofSeconds(60))
				.until(() -> !s3.listObjectsV2((request) -> request.bucket(BUCKET).prefix(key)).contents().isEmpty());
			assertThat(s3.headObject((request) -> request.bucket(BUCKET).key(key)).metadata())
				.containsEntry("message-id", id);
		}
	}

	@Test
	void theSmokeTestScriptPasses() throws Exception {
		ProcessBuilder builder = new ProcessBuilder("bash", "tools/smoke-test.sh", "http://127.0.0.1:" + apiPort)
			.directory(ROOT.toFile())
			.redirectErrorStream(true)
			.redirectOutput(logs.resolve("smoke-test.log").toFile());
		builder.environment()
			.putAll(Map.of("SMOKE_TOKEN", TOKEN, "SMOKE_BUCKET", BUCKET, "SMOKE_S3_ENDPOINT",
					localstack.getEndpoint().toString(), "AWS_ACCESS_KEY_ID", localstack.getAccessKey(),
					"AWS_SECRET_ACCESS_KEY", localstack.getSecretKey(), "AWS_DEFAULT_REGION", localstack.getRegion()));
		Process smoke = builder.start();
		assertThat(smoke.waitFor(120, TimeUnit.SECONDS)).isTrue();
		assertThat(smoke.exitValue()).isZero();
	}

	private static Process launch(String module, Map<String, String> aws, Map<String, String> settings)
			throws IOException {
		ProcessBuilder builder = new ProcessBuilder(
				LocalPipeline.Settings.javaJar(LocalPipeline.Settings.jar(ROOT, module)))
			.redirectErrorStream(true)
			.redirectOutput(logs.resolve(module + ".log").toFile());
		Map<String, String> environment = new HashMap<>(aws);
		environment.putAll(settings);
		builder.environment().putAll(environment);
		return builder.start();
	}

	private static HttpResponse<String> post(String body) throws IOException, InterruptedException {
		return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/ingest"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static int depth(SqsClient sqs, String queueUrl) {
		Map<QueueAttributeName, String> attributes = sqs
			.getQueueAttributes((request) -> request.queueUrl(queueUrl)
				.attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
						QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
			.attributes();
		return attributes.values().stream().mapToInt(Integer::parseInt).sum();
	}

	private static Region region() {
		return Region.of(localstack.getRegion());
	}

	private static StaticCredentialsProvider credentials() {
		return StaticCredentialsProvider
			.create(AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey()));
	}

	private static SqsClient sqs() {
		return SqsClient.builder()
			.endpointOverride(localstack.getEndpoint())
			.region(region())
			.credentialsProvider(credentials())
			.build();
	}

	private static S3Client s3() {
		return S3Client.builder()
			.endpointOverride(localstack.getEndpoint())
			.region(region())
			.credentialsProvider(credentials())
			.forcePathStyle(true)
			.build();
	}

}
