// Runs an analysis chain of the configset through Lucene itself, without Solr.
//
//   java -cp lucene-core.jar:lucene-analyzers-common.jar LuceneAnalyze.java \
//        CONF_DIR tokenizer:standard filter:stop:words=stopwords_es.txt ...  < lines
//
// Prints the terms of each input line, space separated, one output line per
// input line. Names are Lucene's factory SPI names (case-insensitive), the same
// factories Solr instantiates for schema.xml's solr.*Factory classes; resources
// such as stop word files are read from CONF_DIR. Used by
// tests/search/test_solr_configset.py to compare with the PostgreSQL engine.

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.custom.CustomAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

public class LuceneAnalyze {
  public static void main(String[] args) throws Exception {
    CustomAnalyzer.Builder builder = CustomAnalyzer.builder(Paths.get(args[0]));
    for (int i = 1; i < args.length; i++) {
      String[] parts = args[i].split(":");
      Map<String, String> params = new HashMap<>();
      for (int j = 2; j < parts.length; j++) {
        String[] kv = parts[j].split("=", 2);
        params.put(kv[0], kv[1]);
      }
      if (parts[0].equals("tokenizer")) {
        builder.withTokenizer(parts[1], params);
      } else {
        builder.addTokenFilter(parts[1], params);
      }
    }
    Analyzer analyzer = builder.build();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    String line;
    while ((line = in.readLine()) != null) {
      StringBuilder terms = new StringBuilder();
      try (TokenStream stream = analyzer.tokenStream("text", line)) {
        CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
        stream.reset();
        while (stream.incrementToken()) {
          if (terms.length() > 0) {
            terms.append(' ');
          }
          terms.append(term);
        }
        stream.end();
      }
      out.println(terms);
    }
  }
}
