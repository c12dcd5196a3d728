from spinscope import taxonomy


def test_technique_names_match_official_list(semeval_dir):
    official = (semeval_dir / "scorers" / "techniques_subtask3.txt").read_text().split()
    assert sorted(official) == sorted(taxonomy.TECHNIQUE_NAMES)
    frames = (semeval_dir / "scorers" / "frames_subtask2.txt").read_text().split()
    assert sorted(frames) == sorted(taxonomy.FRAME_NAMES)


def test_every_technique_is_explained_and_coloured():
    assert len(taxonomy.TECHNIQUES) == 23
    colours = set()
    for technique in taxonomy.TECHNIQUES:
        assert len(technique.explanation) > 40
        assert technique.example
        assert technique.category in taxonomy.CATEGORIES
        assert technique.colour.startswith("#") and len(technique.colour) == 7
        assert 0 < technique.severity <= 3
        colours.add(technique.colour)
    assert len(colours) == 23
    assert set(taxonomy.FRAME_EXPLANATIONS) == set(taxonomy.FRAME_NAMES)
    assert set(taxonomy.GENRE_EXPLANATIONS) == set(taxonomy.GENRES)


def test_normalise_technique_handles_typos_and_2020_names():
    assert taxonomy.normalise_technique("Appeal_to_Fear-Prejudi-\u010dce") == "Appeal_to_Fear-Prejudice"
    assert taxonomy.normalise_technique("Black-and-White_Fallacy") == "False_Dilemma-No_Choice"
    assert taxonomy.normalise_technique("Thought-terminating_Cliches") == "Conversation_Killer"
    assert taxonomy.normalise_technique(" Loaded_Language ") == "Loaded_Language"
    assert taxonomy.normalise_technique("Totally_Unknown") is None


def test_every_ptc2020_name_maps_to_an_official_technique(ptc_dir):
    names = set()
    for path in (ptc_dir / "train-labels-task2-technique-classification").iterdir():
        for line in path.read_text().splitlines():
            if line.strip():
                names.add(line.split("\t")[1])
    for name in names:
        assert taxonomy.PTC2020_TO_2023[name] in taxonomy.TECHNIQUE_NAMES
