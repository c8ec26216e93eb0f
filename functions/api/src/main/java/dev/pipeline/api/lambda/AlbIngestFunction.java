package dev.pipeline.api.lambda;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerResponseEvent;
import dev.pipeline.api.http.IngestEdge;
import dev.pipeline.api.http.IngestEdge.Answer;
import dev.pipeline.api.ingest.IngestFunction;
import dev.pipeline.core.Correlation;
import dev.pipeline.core.metrics.EmfMeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnNotWebApplication;
import org.springframework.cloud.function.context.FunctionCatalog;
import org.springframework.http.HttpStatus;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Component;

/**
 * The Application Load Balancer's adapter of the {@link IngestEdge}, as a Lambda target:
 * an ALB event in, the edge's answer out as an ALB response, nothing of the contract
 * decided here. An admitted request goes to the {@code ingest} function from the
 * {@link FunctionCatalog}, as function-web calls it on the web container. It takes the
 * event as bytes and reads it itself: typed as the ALB event, the adapter would run the
 * function once per element of a body that is a JSON array.
 * <p>
 * Only in an application without a web server (the Lambda adapter's), so the web
 * container never exposes it.
 */
@Component(AlbIngestFunction.NAME)
@ConditionalOnNotWebApplication
public class AlbIngestFunction implements Function<Message<byte[]>, ApplicationLoadBalancerResponseEvent> {

	/** The function's name: {@code spring_cloud_function_definition} on Lambda. */
	public static final String NAME = "ingestAlb";

	/** The request headers the function reads. */
	static final List<String> FORWARDED = List.of("Idempotency-Key", Correlation.TRACEPARENT);

	private final IngestEdge edge;

	private final Function<Message<byte[]>, Message<byte[]>> ingest;

	private final JsonMapper json;

	private final ObjectProvider<EmfMeterRegistry> cloudWatch;

	AlbIngestFunction(IngestEdge edge, FunctionCatalog functions, JsonMapper json,
			ObjectProvider<EmfMeterRegistry> cloudWatch) {
		this.edge = edge;
		this.ingest = Objects.requireNonNull(functions.lookup(Function.class, IngestFunction.NAME),
				"The function catalog has no 'ingest' function");
		this.json = json;
		this.cloudWatch = cloudWatch;
	}

	@Override
	public ApplicationLoadBalancerResponseEvent apply(Message<byte[]> message) {
		try {
			ApplicationLoadBalancerRequestEvent event = this.json.readValue(message.getPayload(),
					ApplicationLoadBalancerRequestEvent.class);
			byte[] body = body(event);
			IngestEdge.Head head = new IngestEdge.Head(event.getHttpMethod(), event.getPath(),
					(name) -> header(event, name), body.length);
			try (IngestEdge.Admission admission = this.edge.admit(head, (atMost) -> body)) {
				return response((admission.answer() != null) ? admission.answer()
						: Answer.of(this.ingest.apply(request(admission.body(), event))));
			}
		}
		finally {
			// Before Lambda freezes the sandbox, which stops the publishing thread.
			this.cloudWatch.ifAvailable(EmfMeterRegistry::publishIfDue);
		}
	}

	private ApplicationLoadBalancerResponseEvent response(Answer answer) {
		HttpStatus status = HttpStatus.valueOf(answer.status());
		ApplicationLoadBalancerResponseEvent response = new ApplicationLoadBalancerResponseEvent();
		response.setStatusCode(status.value());
		response.setStatusDescription(status.value() + " " + status.getReasonPhrase());
		response.setIsBase64Encoded(false);
		response.setHeaders(answer.headers());
		response.setBody(new String(answer.body(), StandardCharsets.UTF_8));
		return response;
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
	private static Message<byte[]> request(byte[] body, ApplicationLoadBalancerRequestEvent event) {
		MessageBuilder<byte[]> request = MessageBuilder.withPayload(body);
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
