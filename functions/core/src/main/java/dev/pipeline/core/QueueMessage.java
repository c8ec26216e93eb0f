package dev.pipeline.core;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The queue message between the API and the worker: the body is the request's
 * {@code data} object as UTF-8 JSON; the message attribute {@value #INGESTED_AT} carries
 * the instant the API accepted it, and {@value #MESSAGE_ID} the id the client was given
 * ({@link MessageIds}).
 */
public final class QueueMessage {

	/** Name of the message attribute that holds the acceptance instant. */
	public static final String INGESTED_AT = "ingested-at";

	/** Name of the message attribute that holds the pipeline's message id. */
	public static final String MESSAGE_ID = "message-id";

	private static final DateTimeFormatter INSTANT_FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private QueueMessage() {
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
