package dev.pipeline.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares README's settings tables with the applications' configuration records, so that
 * the documented names, which the Terraform task definitions use, are the names the
 * applications bind.
 */
public final class DocumentedSettings {

	private static final Pattern ROW = Pattern.compile("^\\| `([A-Z0-9_]+)` \\|");

	private DocumentedSettings() {
	}

	/**
	 * The setting names in README's table under a bold heading, e.g. {@code **API**}.
	 * @param readme the README
	 * @param heading the heading's text
	 * @param prefix only names starting with it
	 * @return the names
	 */
	public static Set<String> inReadme(Path readme, String heading, String prefix) {
		try {
			String text = Files.readString(readme);
			int start = text.indexOf("**" + heading + "**");
			Set<String> names = new TreeSet<>();
			if (start < 0) {
				return names;
			}
			for (String line : text.substring(start).lines().skip(1).toList()) {
				if (line.startsWith("**")) {
					break;
				}
				Matcher row = ROW.matcher(line);
				if (row.find() && row.group(1).startsWith(prefix)) {
					names.add(row.group(1));
				}
			}
			return names;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The environment variable names that bind each leaf of a configuration record under
	 * a prefix (Spring's relaxed binding: {@code ingest.token.ttl} is
	 * {@code INGEST_TOKEN_TTL}).
	 * @param settings the record class
	 * @param prefix the configuration prefix, e.g. {@code ingest}
	 * @return the names
	 */
	public static Set<String> ofRecord(Class<?> settings, String prefix) {
		Set<String> names = new TreeSet<>();
		collect(settings, prefix.toUpperCase(Locale.ROOT), names);
		return names;
	}

	private static void collect(Class<?> type, String path, Set<String> names) {
		for (RecordComponent component : type.getRecordComponents()) {
			String name = path + "_" + component.getName().toUpperCase(Locale.ROOT);
			if (component.getType().isRecord()) {
				collect(component.getType(), name, names);
			}
			else {
				names.add(name);
			}
		}
	}

}
