// Build a chart from plain data (mean +- sd curves), write it as a report with its CSV, read it back.
// Run: ./softalign jshell examples/make-a-chart.jsh
var dir = Files.createTempDirectory("softalign-chart");
var x = new double[] {2, 4, 6, 8};
var bp = Series.meanSd("BP", x, new double[][] {{85, 84, 84, 83}, {86, 85, 83, 83}});
var fa = Series.meanSd("FA", x, new double[][] {{83, 78, 60, 40}, {82, 76, 55, 30}});
System.out.println("FA mean at depth 8: " + fa.y()[3] + " sd " + String.format(Locale.ROOT, "%.4f", fa.err()[3]));
var index = plot(dir, "Accuracy against depth", new Lines("hidden layers", "test accuracy (%)", List.of(bp, fa)));
var png = javax.imageio.ImageIO.read(dir.resolve("figure.png").toFile());
System.out.println("png " + png.getWidth() + "x" + png.getHeight());
System.out.println("csv rows " + (Files.readAllLines(dir.resolve("figure.csv")).size() - 1));
System.out.println("report exists: " + Files.exists(index));
/exit
