package dev.pipeline.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The pipeline's own message ids: a UUID the API assigns to each accepted message, which
 * the client is told, which travels as the {@value QueueMessage#MESSAGE_ID} attribute and
 * names the object. Unlike the SQS MessageId it survives a dead-letter redrive, which
 * gives a message a new SQS MessageId.
 * <p>
 * A request with an {@code Idempotency-Key} gets a name-based UUID (RFC 9562, version 5:
 * SHA-1 over this namespace, the key and the {@code data} bytes), so a retry of it gets
 * the same id, and with it the same object key. No state is kept: the same key with other
 * data is another message.
 */
public final class MessageIds {

	/** The namespace of the name-based ids, this project's own. */
	static final UUID NAMESPACE = UUID.fromString("9c3e3f36-5d43-4f0a-9a52-6e1f0c2b7d15");

	private MessageIds() {
	}

	/**
	 * A new id for a message sent without an {@code Idempotency-Key}.
	 * @return a random (version 4) UUID
	 */
	public static String random() {
		return UUID.randomUUID().toString();
	}

	/**
	 * The id of a message sent with an {@code Idempotency-Key}: the same for the same key
	 * and data, different when either differs.
	 * @param idempotencyKey the client's key, printable ASCII
	 * @param data the {@code data} member's bytes as received
	 * @return a name-based (version 5) UUID
	 */
	public static String forRetry(String idempotencyKey, byte[] data) {
		byte[] key = idempotencyKey.getBytes(StandardCharsets.US_ASCII);
		// The key's length first, so no key and data split the same bytes another way.
		ByteBuffer name = ByteBuffer.allocate(4 + key.length + data.length).putInt(key.length).put(key).put(data);
		return nameBased(NAMESPACE, name.array()).toString();
	}

	/** RFC 9562 section 5.5: SHA-1 over the namespace's 16 bytes and the name. */
	static UUID nameBased(UUID namespace, byte[] name) {
		MessageDigest sha1 = sha1();
		sha1.update(ByteBuffer.allocate(16)
			.putLong(namespace.getMostSignificantBits())
			.putLong(namespace.getLeastSignificantBits())
			.array());
		byte[] hash = sha1.digest(name);
		hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
		hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
		ByteBuffer bits = ByteBuffer.wrap(hash, 0, 16);
		return new UUID(bits.getLong(), bits.getLong());
	}

	private static MessageDigest sha1() {
		try {
			return MessageDigest.getInstance("SHA-1");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-1", ex);
		}
	}

}
