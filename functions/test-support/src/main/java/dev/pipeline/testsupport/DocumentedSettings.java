package dev.pipeline.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares README's settings tables with the applications' configuration records, so that
 * the documented names, which the Terraform task definitions use, are the names the
 * applications bind, with the defaults they have.
 */
public final class DocumentedSettings {

	private static final Pattern ROW = Pattern.compile("^\\| `([A-Z0-9_]+)` \\|");

	/** A row's name and the first code span of its default column. */
	private static final Pattern ROW_DEFAULT = Pattern.compile("^\\| `([A-Z0-9_]+)` \\| `([^`]*)`");

	private static final String DEFAULT_VALUE = "org.springframework.boot.context.properties.bind.DefaultValue";

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

	/**
	 * The defaults in README's table under a bold heading: the first code span of each
	 * row's default column (what follows it explains the value).
	 * @param readme the README
	 * @param heading the heading's text
	 * @param prefix only names starting with it
	 * @return the defaults by name
	 */
	public static Map<String, String> defaultsInReadme(Path readme, String heading, String prefix) {
		try {
			String text = Files.readString(readme);
			int start = text.indexOf("**" + heading + "**");
			Map<String, String> defaults = new TreeMap<>();
			if (start < 0) {
				return defaults;
			}
			for (String line : text.substring(start).lines().skip(1).toList()) {
				if (line.startsWith("**")) {
					break;
				}
				Matcher row = ROW_DEFAULT.matcher(line);
				if (row.find() && row.group(1).startsWith(prefix)) {
					defaults.put(row.group(1), row.group(2));
				}
			}
			return defaults;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The default of each leaf of a configuration record: its {@code @DefaultValue}, or
	 * the empty text where it has none.
	 * @param settings the record class
	 * @param prefix the configuration prefix, e.g. {@code ingest}
	 * @return the defaults by environment variable name
	 */
	public static Map<String, String> defaultsOfRecord(Class<?> settings, String prefix) {
		Map<String, String> defaults = new TreeMap<>();
		collectDefaults(settings, prefix.toUpperCase(Locale.ROOT), defaults);
		return defaults;
	}

	private static void collectDefaults(Class<?> type, String path, Map<String, String> defaults) {
		RecordComponent[] components = type.getRecordComponents();
		Parameter[] parameters;
		try {
			parameters = type
				.getDeclaredConstructor(
						Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new))
				.getParameters();
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(type + " has no canonical constructor", ex);
		}
		for (int i = 0; i < components.length; i++) {
			String name = path + "_" + components[i].getName().toUpperCase(Locale.ROOT);
			if (components[i].getType().isRecord()) {
				collectDefaults(components[i].getType(), name, defaults);
			}
			else {
				defaults.put(name, defaultValue(parameters[i]));
			}
		}
	}

	private static String defaultValue(Parameter parameter) {
		for (Annotation annotation : parameter.getAnnotations()) {
			if (annotation.annotationType().getName().equals(DEFAULT_VALUE)) {
				try {
					String[] values = (String[]) annotation.annotationType().getMethod("value").invoke(annotation);
					return String.join(",", values);
				}
				catch (ReflectiveOperationException ex) {
					throw new IllegalStateException(ex);
				}
			}
		}
		return "";
	}

}
