package dev.pipeline.api.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
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
		for (byte b : body) {
			if (b == 0) {
				throw new MalformedRequestException("The body must be UTF-8 JSON; it contains a NUL byte");
			}
		}
		String text;
		try {
			text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(body))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new MalformedRequestException("The body is not well-formed JSON: it is not valid UTF-8");
		}
		return text.startsWith("\uFEFF") ? text.substring(1) : text;
	}

}
