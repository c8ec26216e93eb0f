package dev.pipeline.worker.persist;

import java.util.Map;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Writes archive objects to S3, each key at most once: the upload is conditional
 * ({@code If-None-Match: *}), and a key that already exists counts as stored.
 */
class ArchiveWriter {

	static final String CONTENT_TYPE = "application/json";

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
	 * @param metadata user metadata
	 * @return whether this call created the object
	 * @throws PersistException if S3 did not confirm the object
	 */
	boolean createIfAbsent(String key, byte[] body, Map<String, String> metadata) {
		try {
			this.s3.putObject((request) -> request.bucket(this.bucket)
				.key(key)
				.ifNoneMatch("*")
				.contentType(CONTENT_TYPE)
				.metadata(metadata), RequestBody.fromBytes(body));
			return true;
		}
		catch (S3Exception ex) {
			if (ex.statusCode() == 412) {
				return false;
			}
			throw new PersistException(reasonOf(ex), "S3 refused the object (" + ex.statusCode() + ")", ex);
		}
		catch (SdkException ex) {
			throw new PersistException("s3-unreachable", "S3 could not be reached", ex);
		}
	}

	String bucket() {
		return this.bucket;
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
