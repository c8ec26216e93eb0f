package dev.pipeline.worker.persist;

import java.util.Map;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Writes archive objects to S3, each key at most once: the upload is conditional
 * ({@code If-None-Match: *}). A key that already exists counts as stored only if its
 * object carries the same {@code message-id}: an object of another message at the key is
 * never trusted.
 */
class ArchiveWriter {

	static final String CONTENT_TYPE = "application/json";

	/** The user metadata that names the message an object was written for. */
	static final String MESSAGE_ID = "message-id";

	/** What a conditional create found. */
	enum Outcome {

		/** This call created the object. */
		CREATED,
		/** An earlier delivery of the same message created it. */
		ALREADY_STORED

	}

	private final S3Client s3;

	private final String bucket;

	ArchiveWriter(S3Client s3, String bucket) {
		this.s3 = s3;
		this.bucket = bucket;
	}

	/**
	 * Creates an object unless its key exists.
	 * @param key the object key
	 * @param body the object's bytes
	 * @param metadata user metadata, with the {@code message-id} it is written for
	 * @return whether this call or an earlier delivery of the message created it
	 * @throws PersistException if S3 did not confirm the object, or the key holds an
	 * object of another message ({@code key-taken})
	 */
	Outcome createIfAbsent(String key, byte[] body, Map<String, String> metadata) {
		try {
			this.s3.putObject((request) -> request.bucket(this.bucket)
				.key(key)
				.ifNoneMatch("*")
				.contentType(CONTENT_TYPE)
				.metadata(metadata), RequestBody.fromBytes(body));
			return Outcome.CREATED;
		}
		catch (S3Exception ex) {
			if (ex.statusCode() == 412) {
				return ownedBy(key, metadata.get(MESSAGE_ID));
			}
			throw new PersistException(reasonOf(ex), "S3 refused the object (" + ex.statusCode() + ")", ex);
		}
		catch (SdkException ex) {
			throw new PersistException("s3-unreachable", "S3 could not be reached", ex);
		}
	}

	/** After a 412: the object at the key must be this message's. */
	private Outcome ownedBy(String key, String messageId) {
		String owner;
		try {
			owner = this.s3.headObject((request) -> request.bucket(this.bucket).key(key)).metadata().get(MESSAGE_ID);
		}
		catch (S3Exception ex) {
			throw new PersistException(reasonOf(ex),
					"S3 refused to show the object at the key (" + ex.statusCode() + ")", ex);
		}
		catch (SdkException ex) {
			throw new PersistException("s3-unreachable", "S3 could not be reached", ex);
		}
		if (messageId != null && messageId.equals(owner)) {
			return Outcome.ALREADY_STORED;
		}
		throw new PersistException("key-taken",
				"The key holds an object of another message; left for the dead-letter queue", null);
	}

	private static String reasonOf(S3Exception ex) {
		return switch (ex.statusCode()) {
			case 403 -> "s3-access-denied";
			case 404 -> "s3-no-bucket";
			case 409 -> "s3-conflict";
			default -> (ex.statusCode() >= 500 || ex.isThrottlingException()) ? "s3-unavailable" : "s3-rejected";
		};
	}

}
