package dev.pipeline.api.http;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one way a request body becomes text.
 */
public final class BodyText {

	private BodyText() {
	}

	/**
	 * Decodes the body as strict UTF-8, once: the parser then reads characters, so it
	 * need not check the UTF-8 of strings it skips (which it does not do fully). NUL
	 * characters, which also mark UTF-16 and UTF-32 bodies, and a leading byte-order mark
	 * are refused or dropped here.
	 */
	public static String decode(byte[] body) {
		refuseNul(body);
		String text;
		try {
			text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(body))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw Rejection.malformed("The body is not well-formed JSON: it is not valid UTF-8");
		}
		return text.startsWith("\uFEFF") ? text.substring(1) : text;
	}

	/**
	 * Checks what {@link #decode(byte[])} checks, without building the text: the bytes
	 * pass through a small buffer. For a reader that decodes the body itself afterwards.
	 * @param body the body's bytes
	 */
	public static void check(byte[] body) {
		refuseNul(body);
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		ByteBuffer in = ByteBuffer.wrap(body);
		CharBuffer out = CharBuffer.allocate(4096);
		CoderResult result;
		do {
			out.clear();
			result = decoder.decode(in, out, true);
			if (result.isError()) {
				throw Rejection.malformed("The body is not well-formed JSON: it is not valid UTF-8");
			}
		}
		while (result.isOverflow());
		out.clear();
		if (decoder.flush(out).isError()) {
			throw Rejection.malformed("The body is not well-formed JSON: it is not valid UTF-8");
		}
	}

	private static void refuseNul(byte[] body) {
		for (byte b : body) {
			if (b == 0) {
				throw Rejection.malformed("The body must be UTF-8 JSON; it contains a NUL byte");
			}
		}
	}

}
