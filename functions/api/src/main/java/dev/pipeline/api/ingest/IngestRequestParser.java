package dev.pipeline.api.ingest;

import dev.pipeline.api.http.BodyText;
import dev.pipeline.api.http.Rejection;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads a request body in one streaming pass: checks that it is one JSON object with only
 * {@code token} and {@code data}, no repeated member anywhere and no nesting deeper than
 * the limit, and cuts the {@code data} object out of the body character for character, so
 * the queue carries exactly what the client sent.
 */
class IngestRequestParser {

	private static final String TIMESTREAM = "email_timestream";

	private final JsonFactory json;

	private final int maxDepth;

	IngestRequestParser(int maxDepth) {
		this.maxDepth = maxDepth;
		this.json = JsonFactory.builder()
			.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
			.streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
			.build();
	}

	IngestRequest parse(byte[] body) {
		String text = BodyText.decode(body);
		try (JsonParser parser = this.json.createParser(ObjectReadContext.empty(), text)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw Rejection.malformed("The body must be a JSON object with the members 'token' and 'data'");
			}
			String token = null;
			JsonToken dataKind = null;
			String dataJson = null;
			IngestRequest.Scalar timestream = null;
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if ("token".equals(name)) {
					token = (value == JsonToken.VALUE_STRING) ? parser.getString() : null;
					parser.skipChildren();
				}
				else if ("data".equals(name)) {
					dataKind = value;
					if (value == JsonToken.START_OBJECT) {
						int start = (int) parser.currentTokenLocation().getCharOffset();
						timestream = readData(parser);
						int end = (int) parser.currentLocation().getCharOffset();
						dataJson = text.substring(start, end);
					}
					else {
						parser.skipChildren();
					}
				}
				else {
					throw Rejection.malformed("Unknown top-level member; the body takes only 'token' and 'data'");
				}
			}
			if (parser.nextToken() != null) {
				throw Rejection.malformed("The body must hold exactly one JSON object");
			}
			return new IngestRequest(token, dataKind, dataJson, timestream);
		}
		catch (StreamConstraintsException ex) {
			// Fixed texts by limit, never the value: Jackson names the limit in its
			// message.
			boolean depth = String.valueOf(ex.getMessage()).contains("nesting depth");
			throw Rejection.malformed(depth ? "The JSON is nested deeper than " + this.maxDepth + " levels"
					: "A number, string or member name in the JSON is longer than the parser allows");
		}
		catch (JacksonException ex) {
			throw Rejection.malformed(describe(ex));
		}
	}

	private static IngestRequest.Scalar readData(JsonParser parser) {
		IngestRequest.Scalar timestream = null;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			JsonToken value = parser.nextToken();
			if (TIMESTREAM.equals(name)) {
				timestream = new IngestRequest.Scalar(value, value.isScalarValue() ? parser.getString() : null);
			}
			parser.skipChildren();
		}
		return timestream;
	}

	private static String describe(JacksonException ex) {
		String message = ex.getMessage();
		if (message != null && message.startsWith("Duplicate Object property")) {
			return "The JSON repeats a member name within one object";
		}
		TokenStreamLocation location = ex.getLocation();
		if (location == null || location.getLineNr() < 1) {
			return "The body is not well-formed JSON";
		}
		return "The body is not well-formed JSON (line " + location.getLineNr() + ", column " + location.getColumnNr()
				+ ")";
	}

}
