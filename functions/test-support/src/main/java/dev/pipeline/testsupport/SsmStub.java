package dev.pipeline.testsupport;

import java.net.URI;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.Json;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * SSM Parameter Store's {@code GetParameter} over its real wire protocol (AWS JSON 1.1),
 * served by WireMock on a loopback port. Parameters are SecureStrings; an outage can be
 * switched on and off.
 */
public final class SsmStub implements AutoCloseable {

	private static final String GET_PARAMETER = "AmazonSSM.GetParameter";

	private static final String JSON_1_1 = "application/x-amz-json-1.1";

	private final WireMockServer server;

	private StubMapping outage;

	private SsmStub(WireMockServer server) {
		this.server = server;
	}

	/**
	 * Starts a stub on a free port that knows no parameter yet.
	 * @return the running stub
	 */
	public static SsmStub start() {
		return start(0);
	}

	/**
	 * Starts a stub that knows no parameter yet.
	 * @param port the port, or 0 for any free one
	 * @return the running stub
	 */
	public static SsmStub start(int port) {
		WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1")
			.port(port)
			.containerThreads(16)
			.maxRequestJournalEntries(10_000)
			.stubRequestLoggingDisabled(true));
		server.start();
		SsmStub stub = new SsmStub(server);
		stub.server
			.stubFor(getParameter().atPriority(10).willReturn(error(400, "ParameterNotFound", "Parameter not found.")));
		return stub;
	}

	/**
	 * Returns the endpoint to give the SDK ({@code AWS_ENDPOINT_URL_SSM}).
	 * @return the endpoint
	 */
	public URI endpoint() {
		return URI.create(this.server.baseUrl());
	}

	/**
	 * Creates or replaces a SecureString parameter.
	 * @param name the parameter name
	 * @param value its decrypted value
	 */
	public void putSecureString(String name, String value) {
		String json = Json.write(Map.of("Parameter",
				Map.of("Name", name, "Type", "SecureString", "Value", value, "Version", 1, "DataType", "text")));
		this.server.stubFor(getParameter().atPriority(5)
			.withRequestBody(equalToJson(Json.write(Map.of("Name", name, "WithDecryption", true)), true, true))
			.willReturn(aResponse().withStatus(200).withHeader("Content-Type", JSON_1_1).withBody(json)));
	}

	/**
	 * Makes every call fail with a 500 until {@link #recover()}.
	 */
	public synchronized void failAll() {
		if (this.outage == null) {
			this.outage = this.server.stubFor(getParameter().atPriority(1)
				.willReturn(error(500, "InternalServerError", "The stub is switched to an outage.")));
		}
	}

	/**
	 * Ends an outage started by {@link #failAll()}.
	 */
	public synchronized void recover() {
		if (this.outage != null) {
			this.server.removeStub(this.outage);
			this.outage = null;
		}
	}

	/**
	 * Counts the {@code GetParameter} calls received so far.
	 * @return the number of calls
	 */
	public int getParameterCalls() {
		return this.server
			.countRequestsMatching(
					postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(GET_PARAMETER)).build())
			.getCount();
	}

	/**
	 * Forgets the calls counted so far.
	 */
	public void resetCalls() {
		this.server.resetRequests();
	}

	@Override
	public void close() {
		this.server.stop();
	}

	private static MappingBuilder getParameter() {
		return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(GET_PARAMETER));
	}

	private static ResponseDefinitionBuilder error(int status, String type, String message) {
		return aResponse().withStatus(status)
			.withHeader("Content-Type", JSON_1_1)
			.withBody(Json.write(Map.of("__type", type, "message", message)));
	}

}
