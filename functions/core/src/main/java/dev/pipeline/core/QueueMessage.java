package dev.pipeline.core;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The queue message between the API and the worker, built and read only here: the body is
 * the request's {@code data} object as UTF-8 JSON; the message attribute
 * {@value #INGESTED_AT} carries the instant the API accepted it, {@value #MESSAGE_ID} the
 * id the client was given ({@link MessageIds}), and {@link Correlation#REQUEST_ID} and
 * {@link Correlation#TRACEPARENT} the request's correlation, when it has one. Every
 * attribute is of SQS's type {@code String}.
 *
 * @param messageId the pipeline's id of the message
 * @param body the body, UTF-8 JSON
 * @param ingestedAt the instant the API accepted it
 * @param correlation the request's id and trace context
 */
public record QueueMessage(String messageId, String body, Instant ingestedAt, Correlation correlation) {

	/** Name of the message attribute that holds the acceptance instant. */
	public static final String INGESTED_AT = "ingested-at";

	/** Name of the message attribute that holds the pipeline's message id. */
	public static final String MESSAGE_ID = "message-id";

	/** The attributes a message may carry: what a receiver asks SQS for. */
	public static final List<String> ATTRIBUTE_NAMES = List.of(INGESTED_AT, MESSAGE_ID, Correlation.REQUEST_ID,
			Correlation.TRACEPARENT);

	private static final String STRING = "String";

	private static final DateTimeFormatter INSTANT_FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	/**
	 * The most bytes SQS counts of a message's attributes (each one's name, type and
	 * value), with a request id (the API's are UUIDs) and a client's {@code traceparent}:
	 * what the body may not use of the queue's maximum message size.
	 */
	public static final int MAX_ATTRIBUTE_BYTES = new QueueMessage("00000000-0000-0000-0000-000000000000", "",
			Instant.EPOCH, new Correlation("00000000-0000-0000-0000-000000000000",
					"00-00000000000000000000000000000000-0000000000000000-00"))
		.attributeBytes();

	/**
	 * The message's attributes as SQS takes them.
	 * @return the attributes by name
	 */
	public Map<String, MessageAttributeValue> attributes() {
		Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>(8);
		attributes.put(INGESTED_AT, string(formatIngestedAt(this.ingestedAt)));
		attributes.put(MESSAGE_ID, string(this.messageId));
		if (this.correlation.requestId() != null) {
			attributes.put(Correlation.REQUEST_ID, string(this.correlation.requestId()));
		}
		if (this.correlation.traceparent() != null) {
			attributes.put(Correlation.TRACEPARENT, string(this.correlation.traceparent()));
		}
		return attributes;
	}

	/**
	 * What SQS counts of the attributes against the message size: names, types and values
	 * (all ASCII here).
	 * @return the bytes
	 */
	public int attributeBytes() {
		int bytes = 0;
		for (Map.Entry<String, MessageAttributeValue> attribute : attributes().entrySet()) {
			bytes += attribute.getKey().length() + STRING.length() + attribute.getValue().stringValue().length();
		}
		return bytes;
	}

	private static MessageAttributeValue string(String value) {
		return MessageAttributeValue.builder().dataType(STRING).stringValue(value).build();
	}

	/**
	 * A message as a receiver got it, whatever delivered it (the SQS listener, a Lambda
	 * event, a plain {@code ReceiveMessage}).
	 * @param sqsMessageId its SQS MessageId
	 * @param attributes its message attributes by name, as text ({@code null} where
	 * absent)
	 * @param body its body
	 * @param sentTimestamp its {@code SentTimestamp} system attribute (epoch milliseconds
	 * as text), or {@code null}
	 * @return the message, named by the id its client was given
	 */
	public static Received received(String sqsMessageId, UnaryOperator<String> attributes, String body,
			String sentTimestamp) {
		return new Received(messageId(attributes.apply(MESSAGE_ID), sqsMessageId), sqsMessageId, body,
				attributes.apply(INGESTED_AT), epochMillis(sentTimestamp), Correlation
					.received(attributes.apply(Correlation.REQUEST_ID), attributes.apply(Correlation.TRACEPARENT)));
	}

	private static Instant epochMillis(String value) {
		if (value == null) {
			return null;
		}
		try {
			return Instant.ofEpochMilli(Long.parseLong(value.trim()));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * A received message.
	 *
	 * @param messageId the pipeline's id of the message: its {@value #MESSAGE_ID}
	 * attribute, else its SQS MessageId ({@link #messageId(String, String)})
	 * @param sqsMessageId the SQS MessageId of this delivery (it changes when the message
	 * is moved), for logs
	 * @param body the message body
	 * @param ingestedAt the {@value #INGESTED_AT} attribute as sent, or {@code null}
	 * @param sentAt the message's {@code SentTimestamp}, or {@code null}
	 * @param correlation the request id and trace context it carries (what is valid of
	 * them)
	 */
	public record Received(String messageId, String sqsMessageId, String body, String ingestedAt, Instant sentAt,
			Correlation correlation) {

		/**
		 * When the API accepted the message: its {@value #INGESTED_AT} attribute, else (a
		 * message not sent by the API) its {@code SentTimestamp}.
		 * @return the instant, or empty when the message has neither
		 */
		public Optional<Instant> acceptedAt() {
			Optional<Instant> ingested = parseIngestedAt(this.ingestedAt);
			return ingested.isPresent() ? ingested : Optional.ofNullable(this.sentAt);
		}

	}

	/**
	 * The instant as the API records it: truncated to milliseconds, so that the text and
	 * the object key derived from it agree.
	 * @param instant any instant
	 * @return the instant truncated to milliseconds
	 */
	public static Instant truncate(Instant instant) {
		return instant.truncatedTo(ChronoUnit.MILLIS);
	}

	/**
	 * Formats an instant as the attribute value, ISO-8601 UTC with milliseconds
	 * ({@code 2026-11-27T10:15:30.123Z}).
	 * @param instant the acceptance instant
	 * @return the attribute value
	 */
	public static String formatIngestedAt(Instant instant) {
		return INSTANT_FORMAT.format(truncate(instant));
	}

	/**
	 * Reads an attribute value written by {@link #formatIngestedAt(Instant)} or any other
	 * ISO-8601 UTC instant.
	 * @param value the attribute value, possibly {@code null}
	 * @return the instant, or empty when the value is missing or not an instant
	 */
	public static Optional<Instant> parseIngestedAt(String value) {
		if (value == null || value.isBlank()) {
			return Optional.empty();
		}
		try {
			return Optional.of(Instant.parse(value.trim()));
		}
		catch (DateTimeParseException ex) {
			return Optional.empty();
		}
	}

	/**
	 * The pipeline's id of a received message: its {@value #MESSAGE_ID} attribute. A
	 * message without one was queued by an API older than the attribute (a rolling
	 * deploy), which told its client the SQS MessageId: that is the fallback, and the
	 * only place an id comes from the SQS MessageId.
	 * @param attribute the {@value #MESSAGE_ID} attribute's value, possibly {@code null}
	 * @param sqsMessageId the message's SQS MessageId
	 * @return the id the message's client was given
	 */
	public static String messageId(String attribute, String sqsMessageId) {
		return (attribute != null && !attribute.isBlank()) ? attribute : sqsMessageId;
	}

}
