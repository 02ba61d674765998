"""Create or edit a sync pair: a local folder and an S3 prefix, the mode, the compare method, the
default for conflicts, and the ignore patterns (gitignore syntax, the defaults shown and editable).

Every field is checked as it is typed; OK stays disabled with one sentence saying what is wrong.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from s3browser.core.ops.buckets import bucket_name_problem
from s3browser.core.sync.ignore import DEFAULT_PATTERNS, IgnoreRules
from s3browser.core.sync.pairs import SyncPair, parse_s3_uri
from s3browser.core.sync.plan import Compare, Mode, Resolution
from s3browser.ui.shell import interaction
from s3browser.ui.shell.remembering import RememberingDialog
from s3browser.ui.sync.preview_model import deletion_color

MODE_HELP = {
    Mode.UPLOAD: "New and changed local files go to S3. Nothing is deleted.",
    Mode.DOWNLOAD: "New and changed objects come to the local folder. Nothing is deleted.",
    Mode.MIRROR_TO_S3: "S3 is made equal to the local folder, deletions included (shown before anything runs).",
    Mode.MIRROR_TO_LOCAL: "The local folder is made equal to S3, deletions included (to the desktop trash).",
    Mode.TWO_WAY: "Changes and deletions go both ways; a path changed on both sides is a conflict.",
}
CONFLICT_LABELS = {Resolution.KEEP_BOTH: "Keep both (the S3 copy is saved beside the local file)",
                   Resolution.LOCAL: "Use the local file", Resolution.S3: "Use the S3 object",
                   Resolution.SKIP: "Skip (leave both as they are)"}


class SyncPairDialog(RememberingDialog):
    def __init__(self, parent: QWidget | None, profile: str, pair: SyncPair | None = None,
                 uri: str = "", local: str = "") -> None:
        super().__init__("sync_pair", parent)
        self.setObjectName("syncPairDialog")
        self.setWindowTitle("Edit sync pair" if pair else "New sync pair")
        self.setMinimumWidth(560)
        self.profile = profile
        self.original = pair

        self.name_edit = QLineEdit(pair.name if pair else "")
        self.name_edit.setObjectName("pairName")
        self.name_edit.setPlaceholderText("the folder's name")
        self.local_edit = QLineEdit(pair.local if pair else local)
        self.local_edit.setObjectName("pairLocal")
        browse = QPushButton("Browse…")
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        local_row = QHBoxLayout()
        local_row.addWidget(self.local_edit, 1)
        local_row.addWidget(browse)
        self.uri_edit = QLineEdit(pair.uri if pair else uri)
        self.uri_edit.setObjectName("pairUri")
        self.uri_edit.setPlaceholderText("s3://bucket/folder/")
        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("pairMode")
        for mode in Mode:
            self.mode_combo.addItem(mode.label, mode.value)
        self.mode_combo.setCurrentIndex(self.mode_combo.findData((pair.mode if pair else Mode.TWO_WAY).value))
        self.mode_help = QLabel()
        self.mode_help.setWordWrap(True)
        self.mode_combo.currentIndexChanged.connect(self._show_mode_help)
        self.compare_combo = QComboBox()
        self.compare_combo.setObjectName("pairCompare")
        self.compare_combo.addItem("Size and time", Compare.SIZE_TIME.value)
        self.compare_combo.addItem("Checksum (reads local files; slower, exact)", Compare.CHECKSUM.value)
        self.compare_combo.setCurrentIndex(self.compare_combo.findData(
            (pair.compare if pair else Compare.SIZE_TIME).value))
        self.conflict_combo = QComboBox()
        self.conflict_combo.setObjectName("pairConflict")
        for resolution, label in CONFLICT_LABELS.items():
            self.conflict_combo.addItem(label, resolution.value)
        self.conflict_combo.setCurrentIndex(self.conflict_combo.findData(
            (pair.conflict if pair else Resolution.KEEP_BOTH).value))
        self.ignore_edit = QPlainTextEdit("\n".join(pair.ignore if pair else DEFAULT_PATTERNS))
        self.ignore_edit.setObjectName("pairIgnore")
        self.ignore_edit.setToolTip("One pattern per line, as in .gitignore (e.g. *.tmp, build/, !keep.tmp).")
        self.ignore_edit.setMaximumHeight(130)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("pairProblem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(f"color: {deletion_color().name()};")

        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        local_label = QLabel("&Local folder:")  # a row of two widgets gets no buddy by itself: the & would show
        local_label.setBuddy(self.local_edit)
        form.addRow(local_label, local_row)
        form.addRow("&S3 location:", self.uri_edit)
        form.addRow("&Mode:", self.mode_combo)
        form.addRow("", self.mode_help)
        form.addRow("&Compare:", self.compare_combo)
        form.addRow("C&onflicts:", self.conflict_combo)
        form.addRow("&Ignore:", self.ignore_edit)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)

        for edit in (self.name_edit, self.local_edit, self.uri_edit):
            edit.textChanged.connect(self._validate)
        self.ignore_edit.textChanged.connect(self._validate)
        self._show_mode_help()
        self._validate()

    def _browse(self) -> None:
        folder = interaction.interaction.choose_folder(self, "Local folder to sync", "sync")
        if folder is not None:
            self.local_edit.setText(str(folder))
            if not self.name_edit.text().strip():
                self.name_edit.setText(folder.name)

    def _show_mode_help(self) -> None:
        self.mode_help.setText(MODE_HELP[Mode(self.mode_combo.currentData())])

    def problem(self) -> str | None:
        """What is wrong with the fields, in one sentence, or None."""
        local = self.local_edit.text().strip()
        if not local:
            return "Choose the local folder to sync."
        path = Path(local).expanduser()
        if not path.is_absolute():
            return "The local folder must be a full path (e.g. /home/me/Photos)."
        if path.exists() and not path.is_dir():
            return f"{path} is a file, not a folder."
        if not path.exists():
            return f"The folder {path} does not exist; create it first, or choose another."
        uri = self.uri_edit.text().strip()
        parsed = parse_s3_uri(uri if uri.startswith("s3://") else f"s3://{uri}") if uri else None
        if parsed is None:
            return "Enter the S3 location as s3://bucket/folder/."
        problem = bucket_name_problem(parsed[0])
        if problem:
            return problem
        if "//" in parsed[1] or any(part in (".", "..") for part in parsed[1].split("/")):
            return "The S3 folder may not contain empty parts, “.” or “..”."
        try:
            IgnoreRules(self.patterns())
        except (ValueError, TypeError) as exc:
            return f"An ignore pattern is not valid: {exc}"
        return None

    def patterns(self) -> tuple[str, ...]:
        lines = (line.strip() for line in self.ignore_edit.toPlainText().splitlines())
        return tuple(line for line in lines if line)

    def _validate(self) -> None:
        problem = self.problem()
        self.problem_label.setText(problem or "")
        self.problem_label.setVisible(problem is not None)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(problem is None)

    def pair(self) -> SyncPair:
        """The pair as entered (call after the dialog was accepted)."""
        local = str(Path(self.local_edit.text().strip()).expanduser())
        uri = self.uri_edit.text().strip()
        parsed = parse_s3_uri(uri if uri.startswith("s3://") else f"s3://{uri}")
        assert parsed is not None
        bucket, prefix = parsed
        name = self.name_edit.text().strip() or Path(local).name or local
        fields = dict(name=name, profile=self.profile, local=local, bucket=bucket, prefix=prefix,
                      mode=Mode(self.mode_combo.currentData()), compare=Compare(self.compare_combo.currentData()),
                      conflict=Resolution(self.conflict_combo.currentData()), ignore=self.patterns())
        pair = SyncPair(**fields)  # type: ignore[arg-type]
        if self.original is not None and self.original.id == pair.id:
            pair = replace(pair, last_run=self.original.last_run)  # same folder and prefix: same history
        return pair
