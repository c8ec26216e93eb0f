package dev.pipeline.api;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.pipeline.api.lambda.AlbIngestFunction;
import dev.pipeline.testsupport.SqsEmulator;
import dev.pipeline.testsupport.SsmStub;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API as its Lambda function runs behind the ALB, for a test class
 * ({@code @RegisterExtension static}): before the class, the adapter's
 * {@code FunctionInvoker} (the handler the function names) starts the application with
 * the environment Terraform gives the function, against the class's emulators; after it,
 * that environment is gone again. {@link #invoke} hands it an ALB event.
 */
final class AlbLambda implements BeforeAllCallback, AfterAllCallback {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final Map<String, String> environment;

	private final Runnable beforeStart;

	private FunctionInvoker invoker;

	/**
	 * @param sqs the queue's emulator
	 * @param ssm the token's stub
	 * @param queue the queue's name
	 * @param parameter the token parameter's name
	 * @param token the token, written to the stub before the start
	 */
	AlbLambda(SqsEmulator sqs, SsmStub ssm, String queue, String parameter, String token) {
		this.environment = ApiTestSupport.environment(sqs, ssm, queue, parameter)
			.with("MAIN_CLASS", ApiApplication.class.getName())
			.asMap();
		this.beforeStart = () -> ssm.putSecureString(parameter, token);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.beforeStart.run();
		this.environment.forEach(System::setProperty);
		this.invoker = new FunctionInvoker(AlbIngestFunction.NAME);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.environment.keySet().forEach(System::clearProperty);
	}

	/**
	 * Invokes the function with an ALB event and reads its ALB response.
	 * @param event the event
	 * @return the answer
	 */
	Answer invoke(ObjectNode event) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try {
			this.invoker.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		JsonNode response = JSON.readTree(out.toByteArray());
		Map<String, String> headers = new LinkedHashMap<>();
		response.get("headers")
			.properties()
			.forEach((entry) -> headers.put(entry.getKey(), entry.getValue().asString()));
		assertThat(response.get("isBase64Encoded").asBoolean()).isFalse();
		assertThat(response.get("statusDescription").asString())
			.startsWith(response.get("statusCode").asString() + " ");
		return new Answer(response.get("statusCode").asInt(), headers, response.get("body").asString());
	}

	/** A recorded ALB event (single-value headers), with this request's parts. */
	static ObjectNode request(String method, String path, String contentType, String body) {
		try (InputStream in = AlbLambda.class.getResourceAsStream("/events/alb-request.json")) {
			ObjectNode event = (ObjectNode) JSON.readTree(in);
			event.put("httpMethod", method);
			event.put("path", path);
			event.put("body", body);
			ObjectNode headers = (ObjectNode) event.get("headers");
			if (contentType != null) {
				headers.put("content-type", contentType);
			}
			else {
				headers.remove("content-type");
			}
			headers.put("content-length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
			headers.put("x-api-key", "header-secret");
			return event;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** An answer, from either runtime. */
	record Answer(int status, Map<String, String> headers, String body) {

		JsonNode json() {
			return this.body.isEmpty() ? JSON.missingNode() : JSON.readTree(this.body);
		}

	}

}
