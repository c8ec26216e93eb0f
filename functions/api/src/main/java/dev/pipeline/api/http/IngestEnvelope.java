package dev.pipeline.api.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

import dev.pipeline.api.ingest.BodyText;

import org.springframework.http.HttpMethod;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * The HTTP rules around the {@code ingest} function, the same for the web container and
 * for the Lambda function behind the ALB: only {@code POST /ingest}, a JSON content type,
 * a body within the limit, and strict UTF-8. It throws the exception whose status the
 * contract names.
 */
public final class IngestEnvelope {

	/** The one path the API serves the function at. */
	public static final String PATH = "/ingest";

	/** The one method the path takes. */
	public static final String METHOD = "POST";

	private static final MediaType JSON_SUFFIX = MediaType.parseMediaType("application/*+json");

	private final long limit;

	public IngestEnvelope(long limit) {
		this.limit = limit;
	}

	/**
	 * The body limit.
	 * @return the limit in bytes
	 */
	public long limit() {
		return this.limit;
	}

	/**
	 * Checks what is known before the body is read.
	 * @param method the request method
	 * @param contentType the {@code Content-Type} header, or {@code null}
	 * @param declaredLength the {@code Content-Length}, or {@code -1} when unknown
	 */
	public void checkHead(String method, String contentType, long declaredLength) {
		if (!METHOD.equals(method)) {
			throw new MethodNotAllowedException(Set.of(HttpMethod.POST));
		}
		if (!isJson(contentType)) {
			throw new UnsupportedMediaTypeException();
		}
		if (declaredLength > this.limit) {
			throw new PayloadTooLargeException(this.limit);
		}
	}

	/**
	 * Reads at most the limit plus one byte, so a body without a length cannot make the
	 * server buffer more than the limit, and checks that it is strict UTF-8: a reader
	 * that decodes it again (function-web reads it as a {@code String}) then loses
	 * nothing.
	 * @param in the body
	 * @return the body's bytes
	 */
	public byte[] read(InputStream in) {
		byte[] body;
		try (in) {
			body = in.readNBytes((int) this.limit + 1);
		}
		catch (IOException ex) {
			throw new UnreadableBodyException(ex);
		}
		return check(body);
	}

	/**
	 * Checks a body that is already read: within the limit and strict UTF-8.
	 * @param body the body's bytes
	 * @return the same bytes
	 */
	public byte[] check(byte[] body) {
		BodyText.check(checkSize(body));
		return body;
	}

	private byte[] checkSize(byte[] body) {
		if (body.length > this.limit) {
			throw new PayloadTooLargeException(this.limit);
		}
		return body;
	}

	private static boolean isJson(String contentType) {
		if (contentType == null || contentType.isBlank()) {
			return false;
		}
		try {
			MediaType type = MediaType.parseMediaType(contentType);
			return MediaType.APPLICATION_JSON.equalsTypeAndSubtype(type) || JSON_SUFFIX.includes(type);
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

}
