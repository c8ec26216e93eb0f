package dev.pipeline.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The layout of archived objects: {@code <prefix>yyyy/MM/dd/<messageId>.json}, dated by
 * the UTC date of the instant the API accepted the message and named by the pipeline's
 * message id ({@link MessageIds}). The API tells the client this key; the worker writes
 * to it. One implementation for both.
 */
public final class ObjectKeys {

	/** The prefix used when none is configured. */
	public static final String DEFAULT_PREFIX = "emails/";

	private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9!_.*'()-]+/)*");

	/** A UUID, or anything of its alphabet: never a path, never a character to escape. */
	private static final Pattern MESSAGE_ID = Pattern.compile("[A-Za-z0-9-]{1,128}");

	private final String prefix;

	/**
	 * Creates the layout for a prefix.
	 * @param prefix empty, or path segments each ending in {@code /} (e.g.
	 * {@code emails/})
	 * @throws IllegalArgumentException if the prefix is not such a path
	 */
	public ObjectKeys(String prefix) {
		Objects.requireNonNull(prefix, "prefix");
		if (!PREFIX.matcher(prefix).matches() || ("/" + prefix).contains("/./") || ("/" + prefix).contains("/../")) {
			throw new IllegalArgumentException("The key prefix must be empty or path segments of letters, digits and "
					+ "!_.*'()- (not '.' or '..') each ending in '/', e.g. 'emails/'; got '" + prefix + "'");
		}
		this.prefix = prefix;
	}

	/**
	 * Returns the key of the object for one message.
	 * @param ingestedAt when the API accepted the message
	 * @param messageId the pipeline's message id
	 * @return the object key
	 * @throws IllegalArgumentException if the id is not 1 to 128 letters, digits or
	 * {@code -}
	 */
	public String keyFor(Instant ingestedAt, String messageId) {
		Objects.requireNonNull(ingestedAt, "ingestedAt");
		if (!isMessageId(messageId)) {
			throw new IllegalArgumentException("A message id must be 1 to 128 letters, digits or '-'");
		}
		LocalDate date = LocalDate.ofInstant(ingestedAt, ZoneOffset.UTC);
		StringBuilder key = new StringBuilder(this.prefix.length() + messageId.length() + 16);
		key.append(this.prefix).append(date.getYear()).append('/');
		twoDigits(key, date.getMonthValue()).append('/');
		twoDigits(key, date.getDayOfMonth()).append('/');
		return key.append(messageId).append(".json").toString();
	}

	/**
	 * Tells whether a value can name an object.
	 * @param messageId a message id, possibly {@code null}
	 * @return {@code true} for 1 to 128 letters, digits or {@code -}
	 */
	public static boolean isMessageId(String messageId) {
		return messageId != null && MESSAGE_ID.matcher(messageId).matches();
	}

	private static StringBuilder twoDigits(StringBuilder key, int value) {
		return key.append((value < 10) ? "0" : "").append(value);
	}

}
