package dev.pipeline.api.lambda;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerResponseEvent;
import dev.pipeline.api.ApiProperties;
import dev.pipeline.api.http.IngestEnvelope;
import dev.pipeline.api.http.MethodNotAllowedException;
import dev.pipeline.api.http.NotFoundException;
import dev.pipeline.api.http.Problems;
import dev.pipeline.api.http.Problems.Problem;
import dev.pipeline.api.ingest.IngestAccepted;
import dev.pipeline.api.ingest.IngestFunction;
import dev.pipeline.api.queue.QueuePublisher;
import dev.pipeline.api.token.TokenVerifier;
import dev.pipeline.core.Correlation;
import dev.pipeline.core.metrics.EmfMeterRegistry;
import org.slf4j.MDC;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnNotWebApplication;
import org.springframework.cloud.function.context.FunctionCatalog;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Component;

/**
 * The {@code ingest} function as an Application Load Balancer's Lambda target: an ALB
 * event in, an ALB response out, with the statuses, bodies and headers of the web
 * container. It takes the event as bytes and reads it itself: typed as the ALB event, the
 * adapter would run the function once per element of a body that is a JSON array. The
 * same {@link IngestEnvelope} checks the request, the function comes from the
 * {@link FunctionCatalog}, and {@link Problems} answers every failure. {@code GET
 * /health} answers as the web container's readiness does.
 * <p>
 * Only in an application without a web server (the Lambda adapter's), so the web
 * container never exposes it.
 */
@Component(AlbIngestFunction.NAME)
@ConditionalOnNotWebApplication
public class AlbIngestFunction implements Function<Message<byte[]>, ApplicationLoadBalancerResponseEvent> {

	/** The function's name: {@code spring_cloud_function_definition} on Lambda. */
	public static final String NAME = "ingestAlb";

	static final String HEALTH = "/health";

	static final String REQUEST_ID = "X-Request-Id";

	/** The request headers the function reads. */
	static final List<String> FORWARDED = List.of("Idempotency-Key", Correlation.TRACEPARENT);

	private final IngestEnvelope envelope;

	private final Function<Message<byte[]>, IngestAccepted> ingest;

	private final Problems problems;

	private final TokenVerifier tokens;

	private final QueuePublisher publisher;

	private final JsonMapper json;

	private final ObjectProvider<EmfMeterRegistry> cloudWatch;

	AlbIngestFunction(ApiProperties properties, FunctionCatalog functions, Problems problems, TokenVerifier tokens,
			QueuePublisher publisher, JsonMapper json, ObjectProvider<EmfMeterRegistry> cloudWatch) {
		this.envelope = new IngestEnvelope(properties.body().limit().toBytes());
		this.ingest = Objects.requireNonNull(functions.lookup(Function.class, IngestFunction.NAME),
				"The function catalog has no 'ingest' function");
		this.problems = problems;
		this.tokens = tokens;
		this.publisher = publisher;
		this.json = json;
		this.cloudWatch = cloudWatch;
	}

	@Override
	public ApplicationLoadBalancerResponseEvent apply(Message<byte[]> message) {
		String requestId = UUID.randomUUID().toString();
		MDC.put(Correlation.LOG_KEY, requestId);
		String path = null;
		try {
			ApplicationLoadBalancerRequestEvent event = this.json.readValue(message.getPayload(),
					ApplicationLoadBalancerRequestEvent.class);
			path = event.getPath();
			if (HEALTH.equals(event.getPath())) {
				// GET, and HEAD, which Spring MVC answers for a GET mapping without
				// naming it.
				if (!"GET".equals(event.getHttpMethod()) && !"HEAD".equals(event.getHttpMethod())) {
					throw new MethodNotAllowedException(Set.of(HttpMethod.GET));
				}
				return health(requestId);
			}
			if (!IngestEnvelope.PATH.equals(event.getPath())) {
				throw new NotFoundException();
			}
			this.envelope.checkHead(event.getHttpMethod(), header(event, HttpHeaders.CONTENT_TYPE), -1);
			IngestAccepted accepted = this.ingest.apply(request(event));
			return response(HttpStatus.ACCEPTED, MediaType.APPLICATION_JSON_VALUE, new HttpHeaders(), requestId,
					accepted);
		}
		catch (RuntimeException ex) {
			Problem problem = this.problems.of(ex);
			return response(problem.status(), MediaType.APPLICATION_PROBLEM_JSON_VALUE, problem.headers(), requestId,
					asJson(problem.body(), path));
		}
		finally {
			MDC.remove(Correlation.LOG_KEY);
			// Before Lambda freezes the sandbox, which stops the publishing thread.
			this.cloudWatch.ifAvailable(EmfMeterRegistry::publishIfDue);
		}
	}

	private ApplicationLoadBalancerResponseEvent health(String requestId) {
		boolean ready = this.tokens.isReady() && this.publisher.isReady();
		return response(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE, MediaType.APPLICATION_JSON_VALUE,
				new HttpHeaders(), requestId, Map.of("status", ready ? "UP" : "DOWN"));
	}

	private ApplicationLoadBalancerResponseEvent response(HttpStatus status, String contentType, HttpHeaders extra,
			String requestId, Object body) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put(HttpHeaders.CONTENT_TYPE, contentType);
		headers.put(REQUEST_ID, requestId);
		extra.forEach((name, values) -> headers.put(name, String.join(", ", values)));
		ApplicationLoadBalancerResponseEvent response = new ApplicationLoadBalancerResponseEvent();
		response.setStatusCode(status.value());
		response.setStatusDescription(status.value() + " " + status.getReasonPhrase());
		response.setIsBase64Encoded(false);
		response.setHeaders(headers);
		response.setBody(this.json.writeValueAsString(body));
		return response;
	}

	/**
	 * The problem as the web container writes it: its members (the instance is the
	 * request's path), then its properties.
	 */
	private static Map<String, Object> asJson(ProblemDetail problem, String path) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", problem.getType().toString());
		body.put("title", problem.getTitle());
		body.put("status", problem.getStatus());
		body.put("detail", problem.getDetail());
		body.put("instance", path);
		if (problem.getProperties() != null) {
			body.putAll(problem.getProperties());
		}
		body.values().removeIf(Objects::isNull);
		return body;
	}

	/** ALB passes header names in lower case (single-value headers, the default). */
	private static String header(ApplicationLoadBalancerRequestEvent event, String name) {
		Map<String, String> headers = event.getHeaders();
		return (headers != null) ? headers.get(name.toLowerCase(Locale.ROOT)) : null;
	}

	/**
	 * The request as the function takes it: the checked body, and the headers the
	 * function reads, {@code Idempotency-Key} and {@code traceparent}.
	 */
	private Message<byte[]> request(ApplicationLoadBalancerRequestEvent event) {
		MessageBuilder<byte[]> request = MessageBuilder.withPayload(this.envelope.check(body(event)));
		for (String name : FORWARDED) {
			String value = header(event, name);
			if (value != null) {
				request.setHeader(name, value);
			}
		}
		return request.build();
	}

	private static byte[] body(ApplicationLoadBalancerRequestEvent event) {
		String body = event.getBody();
		if (body == null) {
			return new byte[0];
		}
		if (event.getIsBase64Encoded()) {
			try {
				return Base64.getDecoder().decode(body);
			}
			catch (IllegalArgumentException ex) {
				return new byte[0];
			}
		}
		return body.getBytes(StandardCharsets.UTF_8);
	}

}
