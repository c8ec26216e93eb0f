package dev.pipeline.api.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Function;

import dev.pipeline.api.ApiProperties;
import dev.pipeline.api.queue.QueuePublisher;
import dev.pipeline.api.token.TokenVerifier;
import dev.pipeline.core.Correlation;
import dev.pipeline.core.MessageIds;
import dev.pipeline.core.ObjectKeys;
import dev.pipeline.core.QueueMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * The {@code ingest} function: takes a request (its body and headers), checks it in the
 * contract's order (shape, then token, then the {@code Idempotency-Key} header and the
 * data rules), gives the message the pipeline's id, publishes {@code data} to the queue
 * and tells the client the message id and the object key the worker will write.
 * <p>
 * Failures are thrown as typed exceptions; the web layer maps them to statuses.
 */
@Component(IngestFunction.NAME)
public class IngestFunction implements Function<Message<byte[]>, IngestAccepted> {

	/** The function's name in the function catalog. */
	public static final String NAME = "ingest";

	private static final Logger logger = LoggerFactory.getLogger(IngestFunction.class);

	private final IngestRequestParser parser;

	private final IngestValidator validator = new IngestValidator();

	private final TokenVerifier tokens;

	private final QueuePublisher publisher;

	private final ObjectKeys keys;

	private final Clock clock;

	private final Counter accepted;

	IngestFunction(ApiProperties properties, TokenVerifier tokens, QueuePublisher publisher, Clock clock,
			MeterRegistry meters) {
		this.parser = new IngestRequestParser(properties.body().depth());
		this.tokens = tokens;
		this.publisher = publisher;
		this.keys = new ObjectKeys(properties.key().prefix());
		this.clock = clock;
		this.accepted = meters.counter("ingest.requests", "outcome", "accepted", "status", "202", "reason", "none");
	}

	@Override
	public IngestAccepted apply(Message<byte[]> message) {
		IngestRequest request = this.parser.parse(message.getPayload());
		this.tokens.verify(request.token());
		String idempotencyKey = IdempotencyKey.of(message.getHeaders());
		Correlation correlation = correlation(message);
		Instant now = this.clock.instant();
		this.validator.validate(request, now);
		Instant ingestedAt = QueueMessage.truncate(now);
		String messageId = (idempotencyKey != null)
				? MessageIds.forRetry(idempotencyKey, request.dataJson().getBytes(StandardCharsets.UTF_8))
				: MessageIds.random();
		this.publisher.publish(request.dataJson(), ingestedAt, messageId, correlation);
		this.accepted.increment();
		IngestAccepted result = new IngestAccepted(messageId, this.keys.keyFor(ingestedAt, messageId));
		logger.atInfo()
			.addKeyValue("messageId", messageId)
			.addKeyValue("idempotent", idempotencyKey != null)
			.addKeyValue(Correlation.TRACE_LOG_KEY, correlation.traceparent())
			.addKeyValue("dataChars", request.dataJson().length())
			.log("Accepted");
		return result;
	}

	/**
	 * The request's id, which the adapter in front (the web container's filter or the ALB
	 * function) put in the log context before calling, and the client's trace context.
	 */
	private static Correlation correlation(Message<byte[]> message) {
		Object traceparent = RequestHeaders.find(message.getHeaders(), Correlation.TRACEPARENT);
		return Correlation.of(MDC.get(Correlation.LOG_KEY), (traceparent instanceof String text) ? text : null);
	}

}
