// minhchung web: small progressive enhancements; every page works without this script.
"use strict";

document.documentElement.classList.add("js");

const STATUS_VI = { queued: "Đang chờ", running: "Đang xử lý", done: "Xong", failed: "Lỗi" };
const STAGE_VI = { queued: "", discover: "đang lưu và kiểm tra tệp", pages: "đang đọc chữ các trang", done: "" };
const INTAKE_KEEP = "minhchung.intake"; // the unit and date of the last upload form, to fill it again

function pollJob(section) {
  const id = section.dataset.job;
  const tick = async () => {
    let job;
    try {
      const response = await fetch(`/api/uploads/${encodeURIComponent(id)}`, { credentials: "same-origin" });
      if (!response.ok) return setTimeout(tick, 5000);
      job = await response.json();
    } catch (err) {
      return setTimeout(tick, 5000);
    }
    document.getElementById("job-status").textContent = STATUS_VI[job.status] || job.status;
    document.getElementById("job-stage").textContent = STAGE_VI[job.stage] ?? job.stage;
    document.getElementById("job-count").textContent = job.total ? `${job.done}/${job.total} trang` : "";
    const bar = document.getElementById("job-progress");
    bar.max = job.total || 1;
    bar.value = job.total ? job.done : 0;
    const remote = document.getElementById("job-remote"); // remote OCR workers: connected, queue, in flight
    if (remote) {
      remote.textContent = job.remote ? job.remote.text : "";
      remote.hidden = !job.remote;
    }
    if (job.status === "done" || job.status === "failed") {
      window.location.reload();
    } else {
      setTimeout(tick, 1500);
    }
  };
  setTimeout(tick, 1000);
}

// A button that shows and hides a part of the page (the menu, the search filters) on narrow screens.
function disclosure(button) {
  const target = document.getElementById(button.getAttribute("aria-controls"));
  if (!target) return;
  const set = (open) => {
    target.classList.toggle("open", open);
    button.setAttribute("aria-expanded", String(open));
  };
  set(target.hasAttribute("data-open"));
  button.hidden = false;
  button.addEventListener("click", () => set(button.getAttribute("aria-expanded") !== "true"));
}

function megabytes(bytes) {
  return (bytes / 1024 / 1024).toLocaleString("vi-VN", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

// The upload form: refuse files over the size limit before sending them (the server would refuse the
// whole body unread), and keep the unit and date for the page that comes back.
function intakeForm(form) {
  const files = form.querySelector("input[type=file]");
  const message = document.getElementById("files-error");
  const unit = form.querySelector("input[name=unit]");
  const received = form.querySelector("input[name=received]");
  try {
    const kept = JSON.parse(sessionStorage.getItem(INTAKE_KEEP) || "null");
    if (kept && !unit.value && document.querySelector(".alert, .field-error:not([hidden])")) {
      unit.value = kept.unit || "";
      if (kept.received) received.value = kept.received;
    }
  } catch (err) { /* storage unavailable: nothing to restore */ }
  const check = () => {
    const total = [...files.files].reduce((sum, f) => sum + f.size, 0);
    const limit = Number(form.dataset.maxBytes || 0);
    const tooBig = limit > 0 && total > limit;
    if (tooBig) {
      message.textContent = `Các tệp đã chọn (tổng ${megabytes(total)} MB) vượt quá giới hạn ${form.dataset.maxMb} MB `
        + "mỗi lần gửi. Bỏ bớt tệp hoặc gửi làm nhiều lần.";
      message.hidden = false;
      files.setAttribute("aria-invalid", "true");
    }
    return !tooBig;
  };
  files.addEventListener("change", () => {
    if (check()) { // other files chosen: the message about the former ones goes
      message.textContent = "";
      message.hidden = true;
      files.removeAttribute("aria-invalid");
    }
  });
  form.addEventListener("submit", (event) => {
    if (!check()) {
      event.preventDefault();
      files.focus();
      return;
    }
    try {
      sessionStorage.setItem(INTAKE_KEEP, JSON.stringify({ unit: unit.value, received: received.value }));
    } catch (err) { /* storage unavailable */ }
  });
}

// The review form: nothing changed is said beside the button instead of a round trip.
function reviewForm(form) {
  const state = () => {
    const data = new FormData(form);
    data.delete("note");
    data.delete("csrf_token");
    return new URLSearchParams(data).toString();
  };
  const initial = state();
  const message = document.getElementById("review-empty");
  form.addEventListener("submit", (event) => {
    if (state() === initial && !document.getElementById("review-error")) {
      event.preventDefault();
      message.hidden = false;
      message.scrollIntoView({ block: "center" });
    }
  });
  form.addEventListener("change", () => { message.hidden = true; });
}

document.addEventListener("DOMContentLoaded", () => {
  const job = document.getElementById("job");
  if (job && (job.dataset.status === "queued" || job.dataset.status === "running")) pollJob(job);
  const toggle = document.getElementById("show-boxes");
  if (toggle) toggle.addEventListener("change", () => document.body.classList.toggle("hide-boxes", !toggle.checked));
  document.querySelectorAll("button[aria-controls][hidden]").forEach(disclosure);
  const intake = document.querySelector("form.intake");
  if (intake) intakeForm(intake);
  const review = document.querySelector("form.review");
  if (review) reviewForm(review);
  document.querySelectorAll("form[data-confirm]").forEach((form) => form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  }));
  document.querySelectorAll("a[data-back]").forEach((link) => link.addEventListener("click", (event) => {
    if (window.history.length > 1) { event.preventDefault(); window.history.back(); }
  }));
});
