package dev.pipeline.api.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Function;

import dev.pipeline.api.ApiProperties;
import dev.pipeline.api.http.IngestEdge;
import dev.pipeline.api.http.Rejection;
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
 * The {@code ingest} function, the HTTP endpoint's work: takes a request the
 * {@link IngestEdge} admitted (its body and headers), checks it in the contract's order
 * (shape, then token, then the {@code Idempotency-Key} header and the data rules), gives
 * the message the pipeline's id, publishes {@code data} to the queue and answers with the
 * message id and the object key the worker will write. The answer is the HTTP answer as a
 * message ({@link IngestEdge.Answer#toMessage()}): 202, or the problem of the
 * {@link Rejection} that stopped it. function-web serves it on the web container, the ALB
 * function calls it on Lambda.
 */
@Component(IngestFunction.NAME)
public class IngestFunction implements Function<Message<byte[]>, Message<byte[]>> {

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

	private final IngestEdge edge;

	IngestFunction(ApiProperties properties, IngestEdge edge, TokenVerifier tokens, QueuePublisher publisher,
			Clock clock, MeterRegistry meters) {
		this.edge = edge;
		this.parser = new IngestRequestParser(properties.body().depth());
		this.tokens = tokens;
		this.publisher = publisher;
		this.keys = new ObjectKeys(properties.key().prefix());
		this.clock = clock;
		this.accepted = meters.counter("ingest.requests", "outcome", "accepted", "status", "202", "reason", "none");
	}

	@Override
	public Message<byte[]> apply(Message<byte[]> message) {
		IngestEdge.Answer answer;
		try {
			answer = ingest(message);
		}
		catch (RuntimeException ex) {
			answer = this.edge.rejected(ex);
		}
		return answer.toMessage();
	}

	private IngestEdge.Answer ingest(Message<byte[]> message) {
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
		IngestEdge.Answer result = this.edge.accepted(messageId, this.keys.keyFor(ingestedAt, messageId));
		logger.atInfo()
			.addKeyValue("messageId", messageId)
			.addKeyValue("idempotent", idempotencyKey != null)
			.addKeyValue(Correlation.TRACE_LOG_KEY, correlation.traceparent())
			.addKeyValue("dataChars", request.dataJson().length())
			.log("Accepted");
		return result;
	}

	/**
	 * The request's id, which the edge put in the log context when it admitted the
	 * request, and the client's trace context.
	 */
	private static Correlation correlation(Message<byte[]> message) {
		Object traceparent = RequestHeaders.find(message.getHeaders(), Correlation.TRACEPARENT);
		return Correlation.of(MDC.get(Correlation.LOG_KEY), (traceparent instanceof String text) ? text : null);
	}

}
