package dev.pipeline.worker.lambda;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import dev.pipeline.testsupport.AwsEnvironment;
import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.S3Emulator;
import dev.pipeline.worker.WorkerApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code persist} as AWS Lambda runs it: the adapter's {@code FunctionInvoker}, the
 * handler the Lambda function names, is given a recorded SQS event (the shape an event
 * source mapping delivers) and writes to s3proxy over the S3 protocol. Its answer names
 * exactly the messages that were not stored.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class SqsBatchFunctionTests {

	static final String BUCKET = "lambda-batch-tests";

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final S3Emulator s3Emulator = Emulators.s3();

	static final Map<String, String> PROPERTIES = AwsEnvironment.local()
		.s3(s3Emulator.endpoint())
		.with("MAIN_CLASS", WorkerApplication.class.getName())
		.with("spring.cloud.function.definition", SqsBatchFunction.NAME)
		.with("spring.main.web-application-type", "none")
		.with("persist.bucket.name", BUCKET)
		.asMap();

	static FunctionInvoker invoker;

	@BeforeAll
	static void start() throws Exception {
		s3Emulator.createBucket(BUCKET);
		PROPERTIES.forEach(System::setProperty);
		invoker = new FunctionInvoker();
	}

	@AfterAll
	static void stop() {
		PROPERTIES.keySet().forEach(System::clearProperty);
	}

	@Test
	void storesEachMessageAtItsKeyAndReportsExactlyThePoisonOne(CapturedOutput output) throws Exception {
		String good = "{ \"email_timestream\" : 1764201600, \"hello\":\"wörld ✉\" }";
		String other = "{\"email_timestream\":\"1764201600\",\"email_subject\":\"hi\"}";
		String event = event(List.of(record("11111111-1111-4111-8111-111111111111", good, "2026-11-27T10:15:30.123Z"),
				record("22222222-2222-4222-8222-222222222222", "not json at all", "2026-11-27T10:15:30.123Z"),
				record("33333333-3333-4333-8333-333333333333", other, null)));

		JsonNode response = invoke(invoker, event);

		assertThat(output).describedAs("no payload in the logs").doesNotContain("wörld", "not json at all");
		assertThat(response.get("batchItemFailures")).hasSize(1);
		assertThat(response.get("batchItemFailures").get(0).get("itemIdentifier").asString())
			.isEqualTo("22222222-2222-4222-8222-222222222222");
		try (S3Client s3 = s3Emulator.client()) {
			ResponseBytes<GetObjectResponse> stored = s3.getObjectAsBytes((request) -> request.bucket(BUCKET)
				.key("emails/2026/11/27/11111111-1111-4111-8111-111111111111.json"));
			assertThat(stored.asByteArray()).isEqualTo(good.getBytes(StandardCharsets.UTF_8));
			assertThat(stored.response().contentType()).isEqualTo("application/json");
			assertThat(stored.response().metadata()).containsEntry("message-id",
					"11111111-1111-4111-8111-111111111111");
			// No ingested-at: the date of SentTimestamp (2025-11-28T00:00:01Z).
			assertThat(s3
				.getObjectAsBytes((request) -> request.bucket(BUCKET)
					.key("emails/2025/11/28/33333333-3333-4333-8333-333333333333.json"))
				.asUtf8String()).isEqualTo(other);
			assertThatExceptionOfType(NoSuchKeyException.class)
				.isThrownBy(() -> s3.getObject((request) -> request.bucket(BUCKET)
					.key("emails/2026/11/27/22222222-2222-4222-8222-222222222222.json")));
		}
	}

	@Test
	void storesAMessageAtTheKeyOfItsMessageIdAttributeAndReportsFailuresByTheSqsMessageId() throws Exception {
		String pipelineId = "66666666-6666-4666-8666-666666666666";
		String event = event(List.of(
				record("77777777-7777-4777-8777-777777777777", "{\"email_timestream\":1764201600}",
						"2026-11-29T10:00:00.000Z", pipelineId),
				record("88888888-8888-4888-8888-888888888888", "not json", "2026-11-29T10:00:00.000Z",
						"99999999-9999-4999-8999-999999999999")));

		JsonNode response = invoke(invoker, event);

		assertThat(response.get("batchItemFailures")).singleElement()
			.satisfies((failure) -> assertThat(failure.get("itemIdentifier").asString())
				.isEqualTo("88888888-8888-4888-8888-888888888888"));
		try (S3Client s3 = s3Emulator.client()) {
			assertThat(
					s3.headObject((request) -> request.bucket(BUCKET).key("emails/2026/11/29/" + pipelineId + ".json"))
						.metadata())
				.containsEntry("message-id", pipelineId);
			assertThatExceptionOfType(NoSuchKeyException.class)
				.isThrownBy(() -> s3.headObject((request) -> request.bucket(BUCKET)
					.key("emails/2026/11/29/77777777-7777-4777-8777-777777777777.json")));
		}
	}

	@Test
	void reportsEveryMessageOfABatchThatCannotBeStoredAndNeverAcknowledgesOneForAnother() throws Exception {
		String event = event(List.of(record("44444444-4444-4444-8444-444444444444", "[1,2]", null),
				record("55555555-5555-4555-8555-555555555555", "{\"a\":1} {\"b\":2}", null)));

		JsonNode response = invoke(invoker, event);

		assertThat(response.get("batchItemFailures")
			.valueStream()
			.map((failure) -> failure.get("itemIdentifier").asString()))
			.containsExactly("44444444-4444-4444-8444-444444444444", "55555555-5555-4555-8555-555555555555");
	}

	static JsonNode invoke(FunctionInvoker invoker, String event) throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		invoker.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, context());
		return JSON.readTree(out.toByteArray());
	}

	static String event(List<String> records) {
		return "{\"Records\":[" + String.join(",", records) + "]}";
	}

	/** One record as an SQS event source mapping delivers it. */
	static String record(String messageId, String body, String ingestedAt) {
		return record(messageId, body, ingestedAt, null);
	}

	private static String record(String messageId, String body, String ingestedAt, String pipelineId) {
		List<String> attributes = new ArrayList<>();
		if (ingestedAt != null) {
			attributes.add(attribute("ingested-at", ingestedAt));
		}
		if (pipelineId != null) {
			attributes.add(attribute("message-id", pipelineId));
		}
		return withAttributes(messageId, body, "{" + String.join(",", attributes) + "}");
	}

	private static String attribute(String name, String value) {
		return "\"" + name + "\":{\"stringValue\":\"" + value
				+ "\",\"stringListValues\":[],\"binaryListValues\":[],\"dataType\":\"String\"}";
	}

	private static String withAttributes(String messageId, String body, String attributes) {
		return "{\"messageId\":\"" + messageId + "\",\"receiptHandle\":\"AQEB" + messageId + "\",\"body\":"
				+ JSON.writeValueAsString(body)
				+ ",\"attributes\":{\"ApproximateReceiveCount\":\"1\",\"SentTimestamp\":\"1764288001000\","
				+ "\"SenderId\":\"AIDAEXAMPLE\",\"ApproximateFirstReceiveTimestamp\":\"1764288001010\"},"
				+ "\"messageAttributes\":" + attributes + ",\"md5OfBody\":\"0\",\"eventSource\":\"aws:sqs\","
				+ "\"eventSourceARN\":\"arn:aws:sqs:eu-west-1:123456789012:ingest-pipeline-dev-emails\","
				+ "\"awsRegion\":\"eu-west-1\"}";
	}

	static Context context() {
		return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] { Context.class },
				(proxy, method, args) -> switch (method.getName()) {
					case "getAwsRequestId" -> "test-request";
					case "getFunctionName" -> "ingest-pipeline-dev-persist";
					case "getRemainingTimeInMillis" -> 60_000;
					default -> null;
				});
	}

}
