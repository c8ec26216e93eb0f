package dev.pipeline.api;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;

import dev.pipeline.testsupport.Emulators;
import dev.pipeline.testsupport.IntegrationTest;
import dev.pipeline.testsupport.SqsEmulator;
import dev.pipeline.testsupport.SsmStub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import software.amazon.awssdk.services.sqs.SqsClient;

import static dev.pipeline.api.ApiTestSupport.depth;
import static dev.pipeline.api.ApiTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A generated corpus of bad requests, each bad by construction (truncated, garbled, wrong
 * token, broken data rule, wrong shape, too deep, too large, wrong type): none may get a
 * 5xx or a 2xx, and none may reach the queue, on either runtime: each goes to the web
 * container over HTTP and, as an ALB event (its body base64-encoded, as the ALB passes
 * bytes it cannot pass as text), to the Lambda function through the adapter's
 * {@code FunctionInvoker}.
 */
@IntegrationTest
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class BadBodyCorpusTests {

	static final int CORPUS_SIZE = 1_200;

	static final long SEED = 20261128L;

	static final String QUEUE = "bad-body-corpus";

	static final String PARAMETER = "/bad-body-corpus/token";

	static final String TOKEN = ApiTestSupport.newToken();

	static final SqsEmulator sqsEmulator = Emulators.sqs();

	static final SsmStub ssm = Emulators.ssm();

	static final String queueUrl = sqsEmulator.createQueue(QUEUE);

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void emulators(DynamicPropertyRegistry registry) {
		ssm.putSecureString(PARAMETER, TOKEN);
		ApiTestSupport.register(registry, sqsEmulator, ssm, QUEUE, PARAMETER);
	}

	@RegisterExtension
	static final AlbLambda lambda = new AlbLambda(sqsEmulator, ssm, QUEUE, PARAMETER, TOKEN);

	@Test
	void noBadRequestGetsA5xxOrAMessageOnTheQueue() {
		await().atMost(Duration.ofSeconds(30)).until(() -> get(this.port, "/health").statusCode() == 200);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> lambda.invoke(AlbLambda.request("GET", "/health", null, "")).status() == 200);
		List<BadRequest> corpus = new Corpus(new Random(SEED)).generate(CORPUS_SIZE);
		Map<Integer, Integer> statuses = new TreeMap<>();
		for (BadRequest bad : corpus) {
			HttpResponse<String> response = send(bad);
			statuses.merge(response.statusCode(), 1, Integer::sum);
			assertThat(response.statusCode()).as("%s: %s", bad.kind(), bad.printable()).isIn(400, 401, 413, 415);
			assertThat(response.headers().firstValue("Content-Type")).as(bad.kind())
				.hasValue("application/problem+json");
			AlbLambda.Answer onLambda = lambda.invoke(event(bad));
			assertThat(onLambda.status()).as("on Lambda, %s: %s", bad.kind(), bad.printable())
				.isEqualTo(response.statusCode());
			assertThat(onLambda.headers()).as(bad.kind()).containsEntry("Content-Type", "application/problem+json");
		}
		assertThat(corpus).hasSizeGreaterThanOrEqualTo(1_000);
		assertThat(statuses).containsKeys(400, 401, 413, 415);
		try (SqsClient sqs = sqsEmulator.client()) {
			assertThat(depth(sqs, queueUrl)).isZero();
		}
	}

	private HttpResponse<String> send(BadRequest bad) {
		return ApiTestSupport.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/ingest"))
			.header("Content-Type", bad.contentType())
			.POST(HttpRequest.BodyPublishers.ofByteArray(bad.body()))
			.build());
	}

	/** The request as the ALB passes it to the function: its bytes base64-encoded. */
	private static ObjectNode event(BadRequest bad) {
		ObjectNode event = AlbLambda.request("POST", "/ingest", bad.contentType(), "");
		event.put("body", Base64.getEncoder().encodeToString(bad.body()));
		event.put("isBase64Encoded", true);
		((ObjectNode) event.get("headers")).put("content-length", Integer.toString(bad.body().length));
		return event;
	}

	record BadRequest(String kind, String contentType, byte[] body) {

		String printable() {
			String text = new String(this.body, StandardCharsets.UTF_8);
			return (text.length() > 200) ? text.substring(0, 200) + "..." : text;
		}

	}

	/**
	 * Makes bad requests from a seeded random source, so a failure can be replayed.
	 */
	static final class Corpus {

		private static final String[] BAD_TIMESTAMPS = { "-1", "1.5", "1764201600.0", "1e9", "true", "false", "null",
				"[]", "{}", "\"\"", "\"abc\"", "\"17642016OO\"", "\" 1764201600\"", "\"1764201600 \"", "\"-5\"",
				"\"1764201600000\"", "1764201600000", "99999999999999999999", "\"9999999999999\"", "\"0x10\"",
				"999999999999", "\"+1\"", "[1764201600]", "{\"s\":1764201600}" };

		private final Random random;

		private final List<Function<Random, BadRequest>> makers = new ArrayList<>();

		Corpus(Random random) {
			this.random = random;
			this.makers.add(this::truncated);
			this.makers.add(this::wrongToken);
			this.makers.add(this::badTimestamp);
			this.makers.add(this::missingTimestamp);
			this.makers.add(this::dataNotAnObject);
			this.makers.add(this::unknownMember);
			this.makers.add(this::duplicateMember);
			this.makers.add(this::tooDeep);
			this.makers.add(this::garbage);
			this.makers.add(this::controlCharacter);
			this.makers.add(this::invalidUtf8);
			this.makers.add(this::notAnObject);
			this.makers.add(this::trailingContent);
			this.makers.add(this::wrongContentType);
		}

		List<BadRequest> generate(int size) {
			List<BadRequest> corpus = new ArrayList<>(size + 8);
			for (int i = 0; i < size; i++) {
				corpus.add(this.makers.get(i % this.makers.size()).apply(this.random));
			}
			for (int i = 0; i < 5; i++) {
				corpus.add(tooLarge(this.random));
			}
			return corpus;
		}

		private String validData(Random random) {
			StringBuilder data = new StringBuilder("{");
			int members = random.nextInt(4);
			for (int i = 0; i < members; i++) {
				data.append('"').append("field").append(i).append("\":").append(scalar(random)).append(',');
			}
			return data.append("\"email_timestream\":")
				.append(1_700_000_000 + random.nextInt(60_000_000))
				.append('}')
				.toString();
		}

		private String valid(Random random) {
			return "{\"token\":\"" + TOKEN + "\",\"data\":" + validData(random) + "}";
		}

		private static String scalar(Random random) {
			return switch (random.nextInt(5)) {
				case 0 -> Integer.toString(random.nextInt());
				case 1 -> "\"" + randomText(random, random.nextInt(20)) + "\"";
				case 2 -> "[1,2,{\"a\":\"b\"}]";
				case 3 -> "null";
				default -> "{\"nested\":{\"deeper\":true}}";
			};
		}

		private static String randomText(Random random, int length) {
			StringBuilder text = new StringBuilder();
			for (int i = 0; i < length; i++) {
				text.append((char) ('a' + random.nextInt(26)));
			}
			return text.toString();
		}

		private static BadRequest json(String kind, String body) {
			return new BadRequest(kind, "application/json", body.getBytes(StandardCharsets.UTF_8));
		}

		private BadRequest truncated(Random random) {
			String valid = valid(random);
			return json("truncated", valid.substring(0, random.nextInt(valid.length() - 1)));
		}

		private BadRequest wrongToken(Random random) {
			String token = switch (random.nextInt(4)) {
				case 0 -> TOKEN.substring(0, random.nextInt(TOKEN.length()));
				case 1 -> TOKEN + randomText(random, 1 + random.nextInt(3));
				case 2 -> TOKEN.toUpperCase();
				default -> randomText(random, 1 + random.nextInt(1024));
			};
			return json("wrong-token", "{\"token\":\"" + token + "\",\"data\":" + validData(random) + "}");
		}

		private BadRequest badTimestamp(Random random) {
			String value = BAD_TIMESTAMPS[random.nextInt(BAD_TIMESTAMPS.length)];
			return json("bad-timestamp",
					"{\"token\":\"" + TOKEN + "\",\"data\":{\"a\":1,\"email_timestream\":" + value + "}}");
		}

		private BadRequest missingTimestamp(Random random) {
			return json("missing-timestamp", "{\"token\":\"" + TOKEN + "\",\"data\":{\"email_timestreams\":1}}");
		}

		private BadRequest dataNotAnObject(Random random) {
			String[] values = { "null", "1", "\"text\"", "[]", "[{\"email_timestream\":1}]", "true" };
			String body = random.nextBoolean() ? "{\"token\":\"" + TOKEN + "\"}"
					: "{\"token\":\"" + TOKEN + "\",\"data\":" + values[random.nextInt(values.length)] + "}";
			return json("data-not-object", body);
		}

		private BadRequest unknownMember(Random random) {
			String name = random.nextBoolean() ? randomText(random, 1 + random.nextInt(10)) : "Token";
			return json("unknown-member", "{\"token\":\"" + TOKEN + "\",\"data\":" + validData(random) + ",\"" + name
					+ "\":" + scalar(random) + "}");
		}

		private BadRequest duplicateMember(Random random) {
			String data = validData(random);
			return json("duplicate-member", random.nextBoolean()
					? "{\"token\":\"" + TOKEN + "\",\"token\":\"" + TOKEN + "\",\"data\":" + data + "}"
					: "{\"token\":\"" + TOKEN + "\",\"data\":" + data.replace("}", ",\"email_timestream\":1}") + "}");
		}

		private BadRequest tooDeep(Random random) {
			int depth = 33 + random.nextInt(random.nextBoolean() ? 100 : 50_000);
			String open = random.nextBoolean() ? "[" : "{\"a\":";
			String close = open.equals("[") ? "]" : "}";
			return json("too-deep", "{\"token\":\"" + TOKEN + "\",\"data\":{\"email_timestream\":1,\"x\":"
					+ open.repeat(depth) + "1" + close.repeat(depth) + "}}");
		}

		private BadRequest garbage(Random random) {
			byte[] body = new byte[1 + random.nextInt(512)];
			random.nextBytes(body);
			return new BadRequest("garbage", "application/json", body);
		}

		private BadRequest controlCharacter(Random random) {
			char control = (char) new int[] { 0, 1, 7, 8, 11, 12, 27, 31 }[random.nextInt(8)];
			return json("control-character",
					"{\"token\":\"" + TOKEN + "\",\"data\":{\"email_timestream\":1,\"s\":\"a" + control + "b\"}}");
		}

		private BadRequest invalidUtf8(Random random) {
			byte[][] sequences = { { (byte) 0xC3, 0x28 }, { (byte) 0xA0, (byte) 0xA1 },
					{ (byte) 0xE2, 0x28, (byte) 0xA1 }, { (byte) 0xF0, 0x28, (byte) 0x8C, (byte) 0xBC },
					{ (byte) 0xFF }, { (byte) 0xC0, (byte) 0xAF } };
			byte[] bad = sequences[random.nextInt(sequences.length)];
			byte[] head = ("{\"token\":\"" + TOKEN + "\",\"data\":{\"email_timestream\":1,\"s\":\"")
				.getBytes(StandardCharsets.UTF_8);
			byte[] tail = "\"}}".getBytes(StandardCharsets.UTF_8);
			byte[] body = new byte[head.length + bad.length + tail.length];
			System.arraycopy(head, 0, body, 0, head.length);
			System.arraycopy(bad, 0, body, head.length, bad.length);
			System.arraycopy(tail, 0, body, head.length + bad.length, tail.length);
			return new BadRequest("invalid-utf8", "application/json", body);
		}

		private BadRequest notAnObject(Random random) {
			String[] bodies = { "", " ", "null", "42", "\"" + TOKEN + "\"", "[" + valid(random) + "]", "true" };
			return json("not-an-object", bodies[random.nextInt(bodies.length)]);
		}

		private BadRequest trailingContent(Random random) {
			String[] tails = { "x", "{}", "[]", "1", ",", "}", "\"" };
			return json("trailing-content", valid(random) + " " + tails[random.nextInt(tails.length)]);
		}

		private BadRequest wrongContentType(Random random) {
			String[] types = { "text/plain", "application/xml", "application/x-www-form-urlencoded",
					"multipart/form-data; boundary=x", "application/octet-stream", "text/json" };
			return new BadRequest("wrong-content-type", types[random.nextInt(types.length)],
					valid(random).getBytes(StandardCharsets.UTF_8));
		}

		private BadRequest tooLarge(Random random) {
			int size = 256 * 1024 + 1 + random.nextInt(512 * 1024);
			return json("too-large", "{\"token\":\"" + TOKEN + "\",\"data\":{\"email_timestream\":1,\"pad\":\""
					+ "p".repeat(size) + "\"}}");
		}

	}

}
