package io.ramspool.conf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.mailet.Mailet;
import org.apache.mailet.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.common.primitives.Bytes;

import io.ramspool.mailets.OneShotRemoteDelivery;
import io.ramspool.mailets.delivery.DeliveryConfiguration;
import io.ramspool.mailets.delivery.SmtpHost;
import io.ramspool.spool.RamDiskMailRepository;
import io.ramspool.spool.SpoolConfiguration;

/**
 * Loads every file of each profile and checks that the classes it names exist with the right type,
 * that every mailet parameter is a key its mailet reads, that the spool settings parse and agree
 * between the queue and the repositories, that nothing opens a relay or an admin port to the
 * network, and that every key used is documented in docs/configuration.md.
 */
class ProfileConfigurationTest {
    private static final String MAILETS_PACKAGE = "org.apache.james.transport.mailets.";
    private static final String MATCHERS_PACKAGE = "org.apache.james.transport.matchers.";
    /** Parameters that James's mailet container reads for every mailet. */
    private static final Set<String> CONTAINER_KEYS = ImmutableSet.of("onMailetException", "onMatchException");
    /** Where a mailet reads its parameters when not in its own class hierarchy. */
    private static final Map<String, List<String>> PARAMETER_HOLDERS = ImmutableMap.of(
        "org.apache.james.transport.mailets.RemoteDelivery",
        ImmutableList.of("org.apache.james.transport.mailets.remote.delivery.RemoteDeliveryConfiguration"),
        "org.apache.james.transport.mailets.DSNBounce",
        ImmutableList.of("org.apache.james.transport.mailets.redirect.RedirectMailetInitParameters"),
        OneShotRemoteDelivery.class.getName(),
        ImmutableList.of(DeliveryConfiguration.class.getName()));
    /** The SMTP port of the retry profile, where the edge profile's default fallback gateway listens. */
    private static final int RETRY_PROFILE_SMTP_PORT = 2526;
    /**
     * The distribution's stop-gap subclass of {@link RamDiskMailRepository}; it lives in a module
     * that depends on this one, so it is checked here through its superclass and booted by the
     * distribution's integration tests.
     */

    @ParameterizedTest
    @ValueSource(strings = {"edge", "retry"})
    void mailetsAndMatchersShouldExistWithTheirType(String profile) throws Exception {
        Document mailetContainer = parse(profile, "mailetcontainer.xml");
        Set<String> compositeNames = new TreeSet<>();
        for (Element matcher : elements(mailetContainer, "matcher")) {
            if (matcher.hasAttribute("name")) {
                compositeNames.add(matcher.getAttribute("name"));
            }
        }

        for (Element mailet : elements(mailetContainer, "mailet")) {
            assertThat(Mailet.class.isAssignableFrom(mailetClass(mailet))).as(mailet.getAttribute("class")).isTrue();
            assertMatcherExists(mailet.getAttribute("match"), compositeNames);
        }
        for (Element matcher : elements(mailetContainer, "matcher")) {
            assertMatcherExists(matcher.getAttribute("match"), compositeNames);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"edge", "retry"})
    void mailetParametersShouldBeKeysTheirMailetReads(String profile) throws Exception {
        for (Element mailet : elements(parse(profile, "mailetcontainer.xml"), "mailet")) {
            Class<?> mailetClass = mailetClass(mailet);
            for (Element parameter : children(mailet)) {
                String key = parameter.getTagName();

                boolean known = CONTAINER_KEYS.contains(key) || isReadBy(mailetClass, key);

                assertThat(known).as("parameter %s of mailet %s", key, mailetClass.getName()).isTrue();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"edge", "retry"})
    void oneShotDeliveryParametersShouldParse(String profile) throws Exception {
        for (Element mailet : oneShotMailets(profile)) {
            Map<String, String> parameters = new HashMap<>();
            for (Element parameter : children(mailet)) {
                parameters.put(parameter.getTagName(), parameter.getTextContent().trim());
            }

            DeliveryConfiguration configuration = DeliveryConfiguration.from(parameters);

            assertThat(configuration.getFallbackGateways()).as("fallbackGateways of profile %s", profile)
                .isNotEmpty();
        }
    }

    @Test
    void edgeProfileShouldDeliverWithOneShotMailetFallingBackToLocalRetryHost() throws Exception {
        List<Element> mailets = oneShotMailets("edge");
        Map<String, String> parameters = new HashMap<>();
        for (Element parameter : children(mailets.get(0))) {
            parameters.put(parameter.getTagName(), parameter.getTextContent().trim());
        }

        DeliveryConfiguration configuration = DeliveryConfiguration.from(parameters);

        assertThat(mailets).hasSize(1);
        assertThat(configuration.getFallbackGateways())
            .containsExactly(SmtpHost.of("127.0.0.1", RETRY_PROFILE_SMTP_PORT));
        assertThat(text(parse("retry", "smtpserver.xml"), "bind")).endsWith(":" + RETRY_PROFILE_SMTP_PORT);
        String edgeBind = text(parse("edge", "smtpserver.xml"), "bind");
        int edgePort = Integer.parseInt(edgeBind.substring(edgeBind.lastIndexOf(':') + 1));
        assertThat(configuration.getLocalSmtpPorts()).contains(edgePort).doesNotContain(RETRY_PROFILE_SMTP_PORT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"edge", "retry"})
    void smtpHandlersShouldExistAndRelayShouldNotBeOpen(String profile) throws Exception {
        Document smtp = parse(profile, "smtpserver.xml");

        for (Element handler : elements(smtp, "handler")) {
            Class.forName(handler.getAttribute("class"));
        }
        String authorized = text(smtp, "authorizedAddresses");
        assertThat(authorized.split("\\s*,\\s*")).doesNotContain("0.0.0.0/0", "::/0", "*", "0.0.0.0");
        assertThat(text(smtp, "authRequired")).isEqualTo("false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"edge", "retry"})
    void spoolSettingsShouldParseAndBeTheSameForQueuesAndRepositories(String profile) throws Exception {
        SpoolConfiguration queue = SpoolConfiguration.from(properties(profile, "ramspool.properties"));
        Element repository = elements(parse(profile, "mailrepositorystore.xml"), "mailrepository").get(0);
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        for (Element setting : children(elements(repository.getOwnerDocument(), "config").get(0))) {
            config.addProperty(setting.getTagName(), setting.getTextContent().trim());
        }

        SpoolConfiguration repositorySettings = SpoolConfiguration.from(config);

        assertThat(repositorySettings.toStoreOptions()).isEqualTo(queue.toStoreOptions());
        String repositoryClass = repository.getAttribute("class");
        assertThat(repositoryClass).isEqualTo(RamDiskMailRepository.class.getName());
        assertThat(MailRepository.class).isAssignableFrom(RamDiskMailRepository.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"edge", "retry"})
    void adminInterfacesAndDnsShouldStayOnLoopback(String profile) throws Exception {
        PropertiesConfiguration webadmin = properties(profile, "webadmin.properties");
        PropertiesConfiguration jmx = properties(profile, "jmx.properties");
        Document dns = parse(profile, "dnsservice.xml");

        assertThat(InetAddress.getByName(webadmin.getString("host")).isLoopbackAddress()).isTrue();
        assertThat(InetAddress.getByName(jmx.getString("jmx.address")).isLoopbackAddress()).isTrue();
        assertThat(text(dns, "autodiscover")).isEqualTo("false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"edge", "retry"})
    void everyKeyShouldBeDocumented(String profile) throws Exception {
        String documentation = Files.readString(Paths.get(System.getProperty("ramspool.docs"), "configuration.md"),
            StandardCharsets.UTF_8);

        Set<String> undocumented = new TreeSet<>();
        for (String key : keysOf(profile)) {
            if (!documentation.contains("`" + key + "`")) {
                undocumented.add(key);
            }
        }

        assertThat(undocumented).as("keys of profile %s missing from docs/configuration.md", profile).isEmpty();
    }

    private static Set<String> keysOf(String profile) throws Exception {
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> files = Files.list(profileDirectory(profile))) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".properties")) {
                    properties(profile, name).getKeys().forEachRemaining(keys::add);
                } else if (name.endsWith(".xml") && !name.equals("logback.xml")) {
                    collectXmlKeys(parse(profile, name).getDocumentElement(), keys);
                }
            }
        }
        return keys;
    }

    private static void collectXmlKeys(Element element, Set<String> keys) {
        keys.add(element.getTagName());
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            keys.add(attributes.item(i).getNodeName());
        }
        for (Element child : children(element)) {
            collectXmlKeys(child, keys);
        }
    }

    private static List<Element> oneShotMailets(String profile) throws Exception {
        List<Element> found = new ArrayList<>();
        for (Element mailet : elements(parse(profile, "mailetcontainer.xml"), "mailet")) {
            if (mailet.getAttribute("class").equals(OneShotRemoteDelivery.class.getName())) {
                found.add(mailet);
            }
        }
        return found;
    }

    private static void assertMatcherExists(String match, Set<String> compositeNames) throws Exception {
        String name = match.split("=", 2)[0];
        if (compositeNames.contains(name)) {
            return;
        }
        Class<?> matcherClass = Class.forName(name.contains(".") ? name : MATCHERS_PACKAGE + name);
        assertThat(Matcher.class.isAssignableFrom(matcherClass)).as(name).isTrue();
    }

    private static Class<?> mailetClass(Element mailet) throws ClassNotFoundException {
        String name = mailet.getAttribute("class");
        return Class.forName(name.contains(".") ? name : MAILETS_PACKAGE + name);
    }

    /** True when {@code key} is a string constant of the mailet, a superclass, or its settings class. */
    private static boolean isReadBy(Class<?> mailetClass, String key) throws IOException {
        List<String> holders = new ArrayList<>(PARAMETER_HOLDERS.getOrDefault(mailetClass.getName(), List.of()));
        for (Class<?> type = mailetClass; type != null && type != Object.class; type = type.getSuperclass()) {
            holders.add(type.getName());
        }
        for (String holder : holders) {
            if (hasStringConstant(holder, key)) {
                return true;
            }
        }
        return false;
    }

    /** Looks for {@code value} as a UTF-8 entry of the class file's constant pool (2-byte length, then bytes). */
    private static boolean hasStringConstant(String className, String value) throws IOException {
        String resource = "/" + className.replace('.', '/') + ".class";
        try (InputStream in = ProfileConfigurationTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("class file of %s", className).isNotNull();
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            byte[] entry = Bytes.concat(new byte[] {(byte) (bytes.length >> 8), (byte) bytes.length}, bytes);
            return Bytes.indexOf(in.readAllBytes(), entry) >= 0;
        }
    }

    private static Path profileDirectory(String profile) {
        return Paths.get(System.getProperty("ramspool.profiles"), profile);
    }

    private static Document parse(String profile, String file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(profileDirectory(profile).resolve(file).toFile());
    }

    private static PropertiesConfiguration properties(String profile, String file) throws Exception {
        PropertiesConfiguration configuration = new PropertiesConfiguration();
        String content = Files.readString(profileDirectory(profile).resolve(file), StandardCharsets.UTF_8);
        configuration.read(new StringReader(content));
        Properties plain = new Properties();
        plain.load(new StringReader(content));
        assertThat(ImmutableSet.copyOf(configuration.getKeys())).isEqualTo(plain.stringPropertyNames());
        return configuration;
    }

    private static List<Element> elements(Document document, String tag) {
        NodeList nodes = document.getElementsByTagName(tag);
        List<Element> found = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            found.add((Element) nodes.item(i));
        }
        return found;
    }

    private static List<Element> children(Element parent) {
        List<Element> found = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element) {
                found.add((Element) node);
            }
        }
        return found;
    }

    private static String text(Document document, String tag) {
        return elements(document, tag).get(0).getTextContent().trim();
    }
}
