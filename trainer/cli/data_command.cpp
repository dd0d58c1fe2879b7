// `recur data arc|sudoku|maze`: the command-line face of the dataset builders
// in datasets/ (arc_builder.h, sudoku_builder.h, maze_builder.h). Parses options, runs the
// builder and prints its report; all the work and all input checks live in
// datasets/.
#include "trainer/cli/data_command.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>

#include "checkpoints/atomic_file.h"
#include "common/error.h"
#include "datasets/arc_builder.h"
#include "datasets/arc_generator.h"
#include "datasets/maze_builder.h"
#include "datasets/parallel_for.h"
#include "datasets/sudoku_builder.h"

namespace recur::trainer {
namespace {

using Clock = std::chrono::steady_clock;

void print_split(const char* name, const datasets::SplitMetadata& s) {
  std::cout << "  " << name << ": " << s.total_groups << " groups, " << s.total_puzzles << " puzzles, "
            << s.total_examples << " examples\n";
}

void print_written(const std::string& out, Clock::time_point start) {
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << "  wrote " << out << " (" << std::fixed << std::setprecision(1)
            << double(std::filesystem::file_size(out)) / 1e6 << " MB) in " << seconds << " s\n";
}

void check_threads(int threads) {
  if (threads < 1) throw InputError("--threads", "must be at least 1");
}

// `recur data arc --generate N --out X_challenges.json`: synthetic tasks in the ARC Prize layout.
void generate_arc(const datasets::ArcGenerateOptions& g) {
  if (!datasets::is_arc_challenges_file(g.out))
    throw InputError("--out", "with --generate, name the ..._challenges.json file to write (got " + g.out + ")");
  const auto start = Clock::now();
  const std::vector<datasets::ArcTask> tasks = datasets::generate_arc_tasks(g);
  const std::filesystem::path parent = std::filesystem::path(g.out).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  const std::string solutions = datasets::arc_solutions_path(g.out);
  checkpoints::write_text_file_atomically(g.out, datasets::arc_challenges_json(tasks).dump());
  checkpoints::write_text_file_atomically(solutions, datasets::arc_solutions_json(tasks).dump());
  std::string families;
  for (const std::string& f : g.families) families += (families.empty() ? "" : ",") + f;
  std::cout << "recur data arc: generated " << tasks.size() << " tasks (" << families << ", grids up to "
            << g.max_size << "x" << g.max_size << ", " << g.train_pairs << " demonstrations and " << g.test_pairs
            << " test input(s) each)\n";
  print_written(g.out, start);
  print_written(solutions, start);
}

void add_arc(CLI::App& data) {
  auto o = std::make_shared<datasets::ArcBuildOptions>();
  auto g = std::make_shared<datasets::ArcGenerateOptions>();
  o->threads = datasets::default_thread_count();
  CLI::App* arc = data.add_subcommand(
      "arc", "ARC task folders or ARC Prize challenges files (ARC-AGI-1/2, ConceptARC) -> one augmented puzzle file");
  auto* subsets = arc->add_option("--subsets", o->subsets,
                                  "Task folders (JSON files, directly or one folder down) or ARC Prize "
                                  "..._challenges.json files (test outputs from the sibling ..._solutions.json "
                                  "where it exists)");
  auto* test_set = arc->add_option("--test-set", o->test_set,
                                   "The --subsets entry whose test pairs form the test split (its demonstrations are "
                                   "trained on; without solutions it is predicted, not scored)");
  arc->add_option("--out", o->out,
                  "Output file, e.g. data/arc1-aug-1000.h5; with --generate the ..._challenges.json to write")
      ->required();
  auto* generate = arc->add_option("--generate", g->tasks,
                                   "Instead: write this many synthetic tasks (arc_generator.h) as ARC Prize "
                                   "challenges/solutions files");
  arc->add_option("--families", g->families, "Generated task families: dihedral, colours, translate, gravity")
      ->delimiter(',')
      ->needs(generate);
  arc->add_option("--max-size", g->max_size, "Generated grids' largest side (3..30)")->capture_default_str()->needs(generate);
  arc->add_option("--train-pairs", g->train_pairs, "Demonstrations per generated task")
      ->capture_default_str()
      ->needs(generate);
  arc->add_option("--test-pairs", g->test_pairs, "Test inputs per generated task")->capture_default_str()->needs(generate);
  generate->excludes(subsets)->excludes(test_set);
  arc->add_option("--augment", o->augment, "Augmented versions per task (dihedral + colour permutation)")
      ->capture_default_str();
  arc->add_option("--seed", o->seed, "Seed of every random choice")->capture_default_str();
  arc->add_option("--canvas", o->canvas, "Side of the square canvas (seq_len = side^2; 30 for real ARC data)")
      ->capture_default_str();
  arc->add_option("--threads", o->threads, "Worker threads (default: all cores)");
  arc->callback([o, g, generate] {
    if (generate->count() > 0) {
      g->seed = o->seed;
      g->out = o->out;
      return generate_arc(*g);
    }
    if (o->subsets.empty() || o->test_set.empty())
      throw InputError("--subsets/--test-set", "give the task sets with --subsets and the test set with --test-set "
                                               "(or --generate N to write synthetic tasks)");
    check_threads(o->threads);
    const auto start = Clock::now();
    const datasets::ArcBuildReport r = datasets::build_arc_dataset(*o);
    std::cout << "recur data arc: " << r.tasks << " tasks (" << r.test_tasks << " in the test set), "
              << r.num_puzzle_identifiers << " puzzle identifiers\n";
    print_split("train", r.train);
    print_split("test", r.test);
    if (!r.not_full.empty()) {
      std::cout << "  " << r.not_full.size() << " tasks have fewer than " << o->augment
                << " distinct augmented versions (few colours or symmetric), e.g. " << r.not_full.front() << "\n";
    }
    print_written(o->out, start);
  });
}

void add_sudoku(CLI::App& data) {
  auto o = std::make_shared<datasets::SudokuBuildOptions>();
  auto test_size = std::make_shared<int64_t>(-1);
  o->threads = datasets::default_thread_count();
  CLI::App* sudoku =
      data.add_subcommand("sudoku", "Sudoku puzzle lists or generated puzzles -> solved, augmented puzzle file");
  auto* puzzles = sudoku->add_option("--puzzles", o->puzzle_files,
                                     "Puzzle lists: 81 characters a line, 1-9 givens, '.' or '0' blanks, '#' comments; "
                                     "or the reference CSVs (source,question,answer,rating)");
  auto* test_puzzles = sudoku->add_option(
      "--test-puzzles", o->test_puzzle_files,
      "Lists for the test split (then --puzzles gives only the train split; default --test-size: all)");
  auto* generate = sudoku->add_option("--generate", o->generate, "Generate this many unique-solution puzzles instead");
  auto* givens =
      sudoku->add_option("--givens", o->givens, "Givens per generated puzzle (17..81; fast down to about 23)");
  generate->needs(givens);
  givens->needs(generate);
  puzzles->excludes(generate);
  test_puzzles->needs(puzzles);
  sudoku->add_option("--out", o->out, "Output file, e.g. data/sudoku.h5")->required();
  sudoku->add_option("--train-size", o->train_size, "Puzzles in the train split")->capture_default_str();
  sudoku->add_option("--test-size", *test_size, "Puzzles in the test split (default: all the others)");
  sudoku->add_option("--augment", o->augment, "Shuffled versions per train puzzle")->capture_default_str();
  sudoku->add_option("--seed", o->seed, "Seed of the split, the shuffles and the generator")->capture_default_str();
  sudoku->add_option("--threads", o->threads, "Worker threads (default: all cores)");
  sudoku->callback([o, test_size, puzzles, generate] {
    check_threads(o->threads);
    if (puzzles->count() == 0 && generate->count() == 0) {
      throw InputError("--puzzles/--generate", "give puzzle files with --puzzles or a count with --generate");
    }
    if (*test_size >= 0) o->test_size = *test_size;
    const auto start = Clock::now();
    const datasets::SudokuBuildReport r = datasets::build_sudoku_dataset(*o);
    std::cout << "recur data sudoku: " << r.read << " puzzles " << (o->generate ? "generated" : "read") << ", "
              << r.usable << " usable (skipped: " << r.duplicates << " duplicates, " << r.no_solution
              << " without a solution, " << r.several_solutions << " with several)\n";
    print_split("train", r.train);
    print_split("test", r.test);
    print_written(o->out, start);
  });
}

void add_maze(CLI::App& data) {
  auto o = std::make_shared<datasets::MazeBuildOptions>();
  o->threads = datasets::default_thread_count();
  CLI::App* maze = data.add_subcommand("maze", "Maze CSVs (source,question,answer,rating) -> one puzzle file");
  maze->add_option("--train-csv", o->train_csv, "Train mazes, e.g. maze-30x30-hard-1k/train.csv")->required();
  maze->add_option("--test-csv", o->test_csv, "Test mazes, e.g. maze-30x30-hard-1k/test.csv")->required();
  maze->add_option("--out", o->out, "Output file, e.g. data/maze-30x30-hard-1k.h5")->required();
  maze->add_flag("--dihedral", o->dihedral, "Add the 8 dihedral versions of each train maze (the reference's --aug)");
  maze->add_option("--threads", o->threads, "Worker threads (default: all cores)");
  maze->callback([o] {
    check_threads(o->threads);
    const auto start = Clock::now();
    const datasets::MazeBuildReport r = datasets::build_maze_dataset(*o);
    std::cout << "recur data maze: " << r.side << "x" << r.side << " mazes\n";
    print_split("train", r.train);
    print_split("test", r.test);
    print_written(o->out, start);
  });
}

}  // namespace

void add_data_command(CLI::App& app) {
  CLI::App* data = app.add_subcommand("data", "Build puzzle datasets (HDF5) from ARC, Sudoku or maze sources");
  data->require_subcommand(1);
  add_arc(*data);
  add_sudoku(*data);
  add_maze(*data);
}

}  // namespace recur::trainer
