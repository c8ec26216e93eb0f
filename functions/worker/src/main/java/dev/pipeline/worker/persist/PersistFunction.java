package dev.pipeline.worker.persist;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import dev.pipeline.core.Correlation;
import dev.pipeline.core.ObjectKeys;
import dev.pipeline.core.QueueMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

import io.awspring.cloud.sqs.listener.SqsHeaders;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;

/**
 * The {@code persist} function: one queue message to one archive object. It checks that
 * the body is a JSON object, derives the key from the acceptance instant (never the
 * worker's clock, so a redelivery writes the same key) and creates the object through the
 * {@link ArchiveWriter}. It throws when the message was not persisted, so the caller must
 * not delete it.
 * <p>
 * The SQS listener calls it with the listener's Spring message, through the function
 * catalog; on AWS Lambda, {@code persistBatch} calls
 * {@link #persist(QueueMessage.Received)} for each record of an SQS event.
 */
public class PersistFunction implements Consumer<Message<String>> {

	/** The function's name in the function catalog. */
	public static final String NAME = "persist";

	private static final Logger logger = LoggerFactory.getLogger(PersistFunction.class);

	private final ArchiveWriter writer;

	private final ObjectKeys keys;

	private final Clock clock;

	private final MeterRegistry meters;

	private final Timer putTimer;

	private final Timer ageTimer;

	private final Counter stored;

	private final Counter alreadyStored;

	private final JsonFactory json = JsonFactory.builder().build();

	PersistFunction(ArchiveWriter writer, ObjectKeys keys, Clock clock, MeterRegistry meters) {
		this.writer = writer;
		this.keys = keys;
		this.clock = clock;
		this.meters = meters;
		this.putTimer = Timer.builder("persist.put")
			.description("Time of one conditional PutObject")
			.publishPercentileHistogram()
			.register(meters);
		this.ageTimer = Timer.builder("persist.message.age")
			.description("Time from acceptance by the API to the object in S3")
			.publishPercentileHistogram()
			.register(meters);
		this.stored = meters.counter("persist.messages", "outcome", "stored");
		this.alreadyStored = meters.counter("persist.messages", "outcome", "already-stored");
	}

	/**
	 * Persists one message.
	 * @param message the message
	 * @return the key of its object
	 * @throws PersistException if it was not persisted; the message must stay queued
	 */
	public String persist(QueueMessage.Received message) {
		Correlation correlation = message.correlation();
		if (correlation.requestId() != null) {
			MDC.put(Correlation.LOG_KEY, correlation.requestId());
		}
		if (correlation.traceparent() != null) {
			MDC.put(Correlation.TRACE_LOG_KEY, correlation.traceparent());
		}
		try {
			return store(message);
		}
		catch (PersistException ex) {
			this.meters.counter("persist.failures", "reason", ex.reason()).increment();
			logger.atWarn()
				.addKeyValue("messageId", message.messageId())
				.addKeyValue("sqsMessageId", message.sqsMessageId())
				.addKeyValue("reason", ex.reason())
				.addKeyValue("cause", (ex.getCause() != null) ? ex.getCause().getClass().getSimpleName() : null)
				.log("Not persisted; the message stays on the queue: {}", ex.getMessage());
			throw ex;
		}
		finally {
			MDC.remove(Correlation.LOG_KEY);
			MDC.remove(Correlation.TRACE_LOG_KEY);
		}
	}

	private String store(QueueMessage.Received message) {
		String messageId = message.messageId();
		if (!ObjectKeys.isMessageId(messageId)) {
			throw new PersistException("no-message-id", "The message has no usable id", null);
		}
		Instant ingestedAt = acceptedAt(message);
		requireJsonObject(message.body());
		String key = this.keys.keyFor(ingestedAt, messageId);
		Map<String, String> metadata = new HashMap<>(4);
		metadata.put(ArchiveWriter.MESSAGE_ID, messageId);
		metadata.put(QueueMessage.INGESTED_AT, QueueMessage.formatIngestedAt(ingestedAt));
		if (message.correlation().requestId() != null) {
			metadata.put(Correlation.REQUEST_ID, message.correlation().requestId());
		}
		if (message.correlation().traceparent() != null) {
			metadata.put(Correlation.TRACEPARENT, message.correlation().traceparent());
		}
		byte[] body = message.body().getBytes(StandardCharsets.UTF_8);
		Timer.Sample sample = Timer.start();
		ArchiveWriter.Outcome created;
		try {
			created = this.writer.createIfAbsent(key, body, metadata);
		}
		finally {
			sample.stop(this.putTimer);
		}
		boolean fresh = created == ArchiveWriter.Outcome.CREATED;
		((fresh) ? this.stored : this.alreadyStored).increment();
		Duration age = Duration.between(ingestedAt, this.clock.instant());
		if (!age.isNegative()) {
			// A clock behind the API's would make it negative; a timer takes none.
			this.ageTimer.record(age);
		}
		// One line per message only at DEBUG: at INFO it cost 6% of a drain's CPU; the
		// persist.messages counters carry the same outcome.
		logger.atDebug()
			.addKeyValue("messageId", messageId)
			.addKeyValue("key", key)
			.addKeyValue("outcome", fresh ? "stored" : "already-stored")
			.log("Persisted");
		return key;
	}

	private static Instant acceptedAt(QueueMessage.Received message) {
		return message.acceptedAt()
			.orElseThrow(() -> new PersistException("no-timestamp",
					"The message has neither ingested-at nor SentTimestamp", null));
	}

	private void requireJsonObject(String body) {
		if (body == null) {
			throw new PersistException("not-json", "The message has no body", null);
		}
		try (JsonParser parser = this.json.createParser(ObjectReadContext.empty(), body)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw new PersistException("not-json", "The body is not a JSON object", null);
			}
			parser.skipChildren();
			if (parser.nextToken() != null) {
				throw new PersistException("not-json", "The body holds more than one JSON value", null);
			}
		}
		catch (JacksonException ex) {
			throw new PersistException("not-json", "The body is not well-formed JSON", null);
		}
	}

	@Override
	public void accept(Message<String> message) {
		persist(toQueued(message));
	}

	/**
	 * The listener's message as the function needs it. A message with neither the
	 * {@code message-id} attribute nor an SQS MessageId gets no id, and fails: its key
	 * would be an invention.
	 * @param message the listener's message
	 * @return the message's id, body and timestamps
	 */
	static QueueMessage.Received toQueued(Message<String> message) {
		MessageHeaders headers = message.getHeaders();
		return QueueMessage.received(headers.get(SqsHeaders.SQS_RAW_MESSAGE_ID_HEADER, String.class),
				(name) -> text(headers.get(name)), message.getPayload(),
				text(headers.get(SqsHeaders.MessageSystemAttributes.SQS_SENT_TIMESTAMP)));
	}

	private static String text(Object header) {
		return (header != null) ? header.toString() : null;
	}

}
