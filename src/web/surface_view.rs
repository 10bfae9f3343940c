//! The 3-D surface view of a landscape slice, in WebGL2: a small hand-written renderer (one
//! shader pair, three vertex arrays) over the buffers of [`SurfaceMesh`], which holds all the
//! geometry and is tested natively. Every slice figure has a `<canvas id="{id}-3d">` beside its
//! 2-D canvas; with the `surface` setting on, [`crate::web::slice_plot::draw`] draws here and
//! hides the flat one. Drag or arrow keys turn it, wheel or pinch zoom, `0` or "Reset view"
//! resets. Where WebGL2 is missing the flat slice stays and the figure says why.

use crate::charts::palette;
use crate::charts::surface::{Camera, SurfaceMesh};
use crate::core::slice_view::FinishedSlice;
use crate::web::canvas::fit_to_css_size;
use crate::web::dom;
use js_sys::{Float32Array, Object, Reflect, Uint32Array};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{
    Element, HtmlCanvasElement, WebGl2RenderingContext as Gl, WebGlBuffer, WebGlProgram,
    WebGlShader, WebGlUniformLocation, WebGlVertexArrayObject,
};

/// What the figure says where the 3-D view cannot be drawn.
pub const UNAVAILABLE: &str =
    "The 3-D view needs WebGL2, which this browser does not provide: showing the flat slice.";

/// What the figure says under a 3-D view.
pub const HINT: &str =
    "Height and colour: log loss. Drag to turn, pinch or wheel to zoom (keys: arrows, +, -, 0).";

const VERTEX_SHADER: &str = r#"#version 300 es
in vec3 a_position;
in vec3 a_normal;
in vec3 a_colour;
uniform mat4 u_matrix;
uniform float u_point_size;
out vec3 v_colour;
out float v_light;
void main() {
  gl_Position = u_matrix * vec4(a_position, 1.0);
  gl_PointSize = u_point_size;
  vec3 light = normalize(vec3(-0.35, -0.55, 1.0));
  v_light = 0.6 + 0.4 * abs(dot(normalize(a_normal), light));
  v_colour = a_colour;
}
"#;

const FRAGMENT_SHADER: &str = r#"#version 300 es
precision mediump float;
in vec3 v_colour;
in float v_light;
uniform int u_mode;
uniform vec3 u_colour;
out vec4 colour;
void main() {
  if (u_mode == 0) {
    colour = vec4(v_colour * v_light, 1.0);
    return;
  }
  if (u_mode == 3) {
    colour = vec4(u_colour, 1.0);
    return;
  }
  vec2 d = gl_PointCoord * 2.0 - 1.0;
  float r = dot(d, d);
  if (r > 1.0) discard;
  // A dark rim keeps white dots and the orange ball visible on the yellow end of the map.
  if (r > 0.55) { colour = vec4(0.13, 0.13, 0.13, 1.0); return; }
  float shade = u_mode == 2 ? 0.75 + 0.25 * sqrt(1.0 - r) : 1.0;
  colour = vec4(u_colour * shade, 1.0);
}
"#;

/// Modes of the fragment shader.
const SURFACE: i32 = 0;
const DOTS: i32 = 1;
const BALL: i32 = 2;
const LINES: i32 = 3;

thread_local! {
    /// The `surface` setting, once the router has passed it.
    static ENABLED: Cell<Option<bool>> = const { Cell::new(None) };
    static VIEWS: RefCell<HashMap<String, Surface>> = RefCell::new(HashMap::new());
    /// `Some(reason)` once WebGL2 was found missing.
    static MISSING: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Turns the 3-D view of every slice on or off; returns true if that changed (the slices
/// must then be redrawn).
pub fn set_enabled(on: bool) -> bool {
    let changed = ENABLED.with(|e| e.replace(Some(on))) != Some(on);
    if changed {
        show_state();
    }
    changed
}

/// True while slices are drawn in 3-D (asked for, and WebGL2 there).
pub fn showing() -> bool {
    ENABLED.with(Cell::get) == Some(true) && MISSING.with(|m| m.borrow().is_none())
}

/// The canvas that shows the slice of the 2-D canvas `id` now: its 3-D canvas while the 3-D
/// view is shown, else `id` itself (for the PNG export).
pub fn shown_canvas_id(id: &str) -> String {
    let gl_id = format!("{id}-3d");
    let visible = dom::by_id::<HtmlCanvasElement>(&gl_id).is_some_and(|c| !c.hidden());
    if showing() && visible {
        gl_id
    } else {
        id.to_string()
    }
}

/// Draws `done` (current point at plane coordinates `current`) in the 3-D canvas beside
/// `flat` and hides `flat`; returns false (and shows `flat`, saying why) where it cannot.
pub fn draw(flat: &HtmlCanvasElement, done: &FinishedSlice, current: (f64, f64)) -> bool {
    let id = flat.id();
    let Some(canvas) = dom::by_id::<HtmlCanvasElement>(&format!("{id}-3d")) else {
        return false;
    };
    if !showing() {
        show_flat(flat, &canvas);
        return false;
    }
    canvas.set_hidden(false);
    flat.set_hidden(true);
    if let Some(label) = flat.get_attribute("aria-label") {
        let _ = canvas.set_attribute("aria-label", &format!("3-D surface. {label}"));
    }
    let built = VIEWS.with(|views| {
        let mut views = views.borrow_mut();
        if !views.contains_key(&id) {
            match Surface::new(&canvas) {
                Ok(s) => {
                    views.insert(id.clone(), s);
                    listen(&canvas, &id);
                }
                Err(reason) => return Err(reason),
            }
        }
        let view = views.get_mut(&id).expect("just inserted");
        view.upload(&SurfaceMesh::new(done, current));
        view.render();
        Ok(())
    });
    match built {
        Ok(()) => true,
        Err(reason) => {
            MISSING.with(|m| *m.borrow_mut() = Some(reason));
            show_state();
            show_flat(flat, &canvas);
            false
        }
    }
}

/// Shows the flat canvas instead of the 3-D one.
fn show_flat(flat: &HtmlCanvasElement, canvas: &HtmlCanvasElement) {
    canvas.set_hidden(true);
    flat.set_hidden(false);
}

/// Updates the toggles, notes and reset buttons, and the body's `data-surface`.
fn show_state() {
    let on = ENABLED.with(Cell::get) == Some(true);
    let missing = MISSING.with(|m| m.borrow().clone());
    let state = match (on, &missing) {
        (false, _) => "2d",
        (true, None) => "3d",
        (true, Some(_)) => "unavailable",
    };
    dom::set_body_data("surface", state);
    for el in all("[data-surface-toggle]") {
        let _ = el.set_attribute("aria-pressed", if on { "true" } else { "false" });
    }
    for el in all("[data-surface-reset]") {
        dom::set_hidden(&el, state != "3d");
    }
    for el in all("[data-surface-note]") {
        let text = match state {
            "3d" => HINT,
            "unavailable" => UNAVAILABLE,
            _ => "",
        };
        el.set_text_content(Some(text));
        dom::set_hidden(&el, text.is_empty());
    }
    if state != "3d" {
        for el in all("canvas.surface") {
            dom::set_hidden(&el, true);
        }
        for el in all("canvas[data-has-surface]") {
            dom::set_hidden(&el, false);
        }
    }
}

/// Redraws every shown 3-D view whose box changed size since it was drawn (a caption that
/// wraps to another line shrinks it), so that its picture is never stretched.
pub fn follow_layout() {
    if !showing() {
        return;
    }
    VIEWS.with(|views| {
        for view in views.borrow_mut().values_mut() {
            if view.canvas.hidden() {
                continue;
            }
            let ratio = dom::window().device_pixel_ratio().clamp(1.0, 4.0);
            let rect = view.canvas.get_bounding_client_rect();
            let (w, h) = (
                (rect.width() * ratio).round() as u32,
                (rect.height() * ratio).round() as u32,
            );
            if w > 1 && h > 1 && (w != view.canvas.width() || h != view.canvas.height()) {
                view.render();
            }
        }
    });
}

/// Puts every 3-D view back to its first camera and redraws it.
pub fn reset_views() {
    VIEWS.with(|views| {
        for view in views.borrow_mut().values_mut() {
            view.camera = Camera::default();
            view.render();
        }
    });
}

fn all(selector: &str) -> Vec<Element> {
    let Ok(list) = dom::document().query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

/// Changes the camera of the view of slice `id` and redraws it.
fn move_camera(id: &str, f: impl FnOnce(Camera) -> Camera) {
    VIEWS.with(|views| {
        if let Some(view) = views.borrow_mut().get_mut(id) {
            view.camera = f(view.camera);
            view.render();
        }
    });
}

/// Drag and pinch, wheel and keys on the 3-D canvas of slice `id`.
fn listen(canvas: &HtmlCanvasElement, id: &str) {
    let pointers: std::rc::Rc<RefCell<HashMap<i32, (f64, f64)>>> = Default::default();
    let on = |event: &str, handler: Box<dyn FnMut(web_sys::Event)>, passive: bool| {
        let closure = Closure::<dyn FnMut(web_sys::Event)>::new(handler);
        let options = web_sys::AddEventListenerOptions::new();
        options.set_passive(passive);
        let _ = canvas.add_event_listener_with_callback_and_add_event_listener_options(
            event,
            closure.as_ref().unchecked_ref(),
            &options,
        );
        closure.forget();
    };
    {
        let (pointers, canvas) = (pointers.clone(), canvas.clone());
        on(
            "pointerdown",
            Box::new(move |e| {
                if let Some(p) = e.dyn_ref::<web_sys::PointerEvent>() {
                    let _ = canvas.set_pointer_capture(p.pointer_id());
                    let _ = canvas.focus();
                    pointers
                        .borrow_mut()
                        .insert(p.pointer_id(), (p.client_x() as f64, p.client_y() as f64));
                }
            }),
            true,
        );
    }
    {
        let (pointers, id) = (pointers.clone(), id.to_string());
        on(
            "pointermove",
            Box::new(move |e| {
                let Some(p) = e.dyn_ref::<web_sys::PointerEvent>() else {
                    return;
                };
                let mut map = pointers.borrow_mut();
                let Some(&old) = map.get(&p.pointer_id()) else {
                    return;
                };
                let new = (p.client_x() as f64, p.client_y() as f64);
                if map.len() == 1 {
                    let (dx, dy) = ((new.0 - old.0) as f32, (new.1 - old.1) as f32);
                    move_camera(&id, |c| c.rotated(-dx * 0.01, dy * 0.01));
                } else if let Some(&other) = map
                    .iter()
                    .find(|(k, _)| **k != p.pointer_id())
                    .map(|(_, v)| v)
                {
                    let span = |a: (f64, f64)| (a.0 - other.0).hypot(a.1 - other.1).max(1.0);
                    let factor = (span(new) / span(old)) as f32;
                    move_camera(&id, |c| c.zoomed(factor));
                }
                map.insert(p.pointer_id(), new);
            }),
            true,
        );
    }
    for event in ["pointerup", "pointercancel"] {
        let pointers = pointers.clone();
        on(
            event,
            Box::new(move |e| {
                if let Some(p) = e.dyn_ref::<web_sys::PointerEvent>() {
                    pointers.borrow_mut().remove(&p.pointer_id());
                }
            }),
            true,
        );
    }
    {
        let id = id.to_string();
        on(
            "wheel",
            Box::new(move |e| {
                if let Some(w) = e.dyn_ref::<web_sys::WheelEvent>() {
                    e.prevent_default();
                    let factor = (-w.delta_y() * 0.0015).exp() as f32;
                    move_camera(&id, |c| c.zoomed(factor));
                }
            }),
            false,
        );
    }
    {
        let id = id.to_string();
        on(
            "keydown",
            Box::new(move |e| {
                let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                let turn: Option<fn(Camera) -> Camera> = match k.key().as_str() {
                    "ArrowLeft" => Some(|c| c.rotated(0.15, 0.0)),
                    "ArrowRight" => Some(|c| c.rotated(-0.15, 0.0)),
                    "ArrowUp" => Some(|c| c.rotated(0.0, 0.1)),
                    "ArrowDown" => Some(|c| c.rotated(0.0, -0.1)),
                    "+" | "=" => Some(|c| c.zoomed(1.2)),
                    "-" => Some(|c| c.zoomed(1.0 / 1.2)),
                    "0" | "Home" => Some(|_| Camera::default()),
                    _ => None,
                };
                if let Some(turn) = turn {
                    // The page's own keys (story pages, playground) are not these.
                    e.prevent_default();
                    e.stop_propagation();
                    move_camera(&id, turn);
                }
            }),
            false,
        );
    }
}

/// One 3-D canvas: its context, program and buffers, what they hold, and its camera.
struct Surface {
    canvas: HtmlCanvasElement,
    gl: Gl,
    program: WebGlProgram,
    matrix: Option<WebGlUniformLocation>,
    mode: Option<WebGlUniformLocation>,
    colour: Option<WebGlUniformLocation>,
    point_size: Option<WebGlUniformLocation>,
    mesh: WebGlVertexArrayObject,
    dots: WebGlVertexArrayObject,
    frame: WebGlVertexArrayObject,
    buffers: Vec<WebGlBuffer>,
    index_count: i32,
    dot_count: i32,
    current: Option<[f32; 3]>,
    camera: Camera,
}

/// Attribute locations, fixed so that every vertex array agrees.
const POSITION: u32 = 0;
const NORMAL: u32 = 1;
const COLOUR: u32 = 2;

impl Surface {
    fn new(canvas: &HtmlCanvasElement) -> Result<Surface, String> {
        let options = Object::new();
        let _ = Reflect::set(&options, &"preserveDrawingBuffer".into(), &true.into());
        let _ = Reflect::set(&options, &"antialias".into(), &false.into());
        let gl = canvas
            .get_context_with_context_options("webgl2", &options)
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<Gl>().ok())
            .ok_or_else(|| UNAVAILABLE.to_string())?;
        let program = link(&gl)?;
        let vao = || gl.create_vertex_array().ok_or("no vertex array");
        let (mesh, dots, frame) = (vao()?, vao()?, vao()?);
        let mut buffers = Vec::new();
        for _ in 0..7 {
            buffers.push(gl.create_buffer().ok_or("no buffer")?);
        }
        let uniform = |name: &str| gl.get_uniform_location(&program, name);
        let surface = Surface {
            matrix: uniform("u_matrix"),
            mode: uniform("u_mode"),
            colour: uniform("u_colour"),
            point_size: uniform("u_point_size"),
            canvas: canvas.clone(),
            gl,
            program,
            mesh,
            dots,
            frame,
            buffers,
            index_count: 0,
            dot_count: 0,
            current: None,
            camera: Camera::default(),
        };
        surface.wire_arrays();
        Ok(surface)
    }

    /// Binds each vertex array to its buffers (the data comes later, in [`Surface::upload`]).
    fn wire_arrays(&self) {
        let gl = &self.gl;
        let attribute = |location: u32, buffer: &WebGlBuffer| {
            gl.bind_buffer(Gl::ARRAY_BUFFER, Some(buffer));
            gl.enable_vertex_attrib_array(location);
            gl.vertex_attrib_pointer_with_i32(location, 3, Gl::FLOAT, false, 0, 0);
        };
        gl.bind_vertex_array(Some(&self.mesh));
        attribute(POSITION, &self.buffers[0]);
        attribute(NORMAL, &self.buffers[1]);
        attribute(COLOUR, &self.buffers[2]);
        gl.bind_buffer(Gl::ELEMENT_ARRAY_BUFFER, Some(&self.buffers[3]));
        gl.bind_vertex_array(Some(&self.dots));
        attribute(POSITION, &self.buffers[4]);
        gl.bind_vertex_array(Some(&self.frame));
        attribute(POSITION, &self.buffers[5]);
        let floor: [f32; 24] = [
            -1.0, -1.0, 0.0, 1.0, -1.0, 0.0, 1.0, -1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0, -1.0,
            1.0, 0.0, -1.0, 1.0, 0.0, -1.0, -1.0, 0.0,
        ];
        gl.buffer_data_with_array_buffer_view(
            Gl::ARRAY_BUFFER,
            &Float32Array::from(&floor[..]),
            Gl::STATIC_DRAW,
        );
        gl.bind_vertex_array(None);
    }

    /// Puts `mesh` into the buffers.
    fn upload(&mut self, mesh: &SurfaceMesh) {
        let gl = &self.gl;
        let put = |buffer: &WebGlBuffer, data: &[f32]| {
            gl.bind_buffer(Gl::ARRAY_BUFFER, Some(buffer));
            gl.buffer_data_with_array_buffer_view(
                Gl::ARRAY_BUFFER,
                &Float32Array::from(data),
                Gl::DYNAMIC_DRAW,
            );
        };
        put(&self.buffers[0], &mesh.positions);
        put(&self.buffers[1], &mesh.normals);
        put(&self.buffers[2], &mesh.colours);
        gl.bind_vertex_array(Some(&self.mesh));
        gl.buffer_data_with_array_buffer_view(
            Gl::ELEMENT_ARRAY_BUFFER,
            &Uint32Array::from(&mesh.indices[..]),
            Gl::DYNAMIC_DRAW,
        );
        gl.bind_vertex_array(None);
        put(&self.buffers[4], &mesh.path);
        self.index_count = mesh.indices.len() as i32;
        self.dot_count = (mesh.path.len() / 3) as i32;
        self.current = mesh.current;
    }

    /// Draws the surface, its floor, the trajectory and the current point.
    fn render(&mut self) {
        let start = dom::now_ms();
        let Some(ratio) = fit_to_css_size(&self.canvas) else {
            return;
        };
        let gl = &self.gl;
        let (w, h) = (self.canvas.width() as i32, self.canvas.height() as i32);
        gl.viewport(0, 0, w, h);
        gl.clear_color(1.0, 1.0, 1.0, 1.0);
        gl.enable(Gl::DEPTH_TEST);
        gl.clear(Gl::COLOR_BUFFER_BIT | Gl::DEPTH_BUFFER_BIT);
        gl.use_program(Some(&self.program));
        let m = self.camera.matrix(w as f32 / h.max(1) as f32);
        gl.uniform_matrix4fv_with_f32_array(self.matrix.as_ref(), false, &m);
        let rgb = |c: plotters::style::RGBColor| {
            [c.0 as f32 / 255.0, c.1 as f32 / 255.0, c.2 as f32 / 255.0]
        };
        // Attributes a vertex array leaves unset take these constants.
        gl.vertex_attrib3f(NORMAL, 0.0, 0.0, 1.0);
        gl.vertex_attrib3f(COLOUR, 1.0, 1.0, 1.0);

        gl.uniform1i(self.mode.as_ref(), SURFACE);
        gl.bind_vertex_array(Some(&self.mesh));
        gl.draw_elements_with_i32(Gl::TRIANGLES, self.index_count, Gl::UNSIGNED_INT, 0);

        gl.uniform1i(self.mode.as_ref(), LINES);
        gl.uniform3fv_with_f32_array(self.colour.as_ref(), &rgb(palette::REFERENCE));
        gl.bind_vertex_array(Some(&self.frame));
        gl.draw_arrays(Gl::LINES, 0, 8);

        gl.uniform1i(self.mode.as_ref(), DOTS);
        gl.uniform3fv_with_f32_array(self.colour.as_ref(), &[1.0, 1.0, 1.0]);
        gl.uniform1f(self.point_size.as_ref(), (5.0 * ratio) as f32);
        gl.bind_vertex_array(Some(&self.dots));
        gl.draw_arrays(Gl::POINTS, 0, self.dot_count);

        if let Some(p) = self.current {
            // The ball drawn last and over everything: it is the point the view is about.
            gl.disable(Gl::DEPTH_TEST);
            gl.bind_buffer(Gl::ARRAY_BUFFER, Some(&self.buffers[6]));
            gl.buffer_data_with_array_buffer_view(
                Gl::ARRAY_BUFFER,
                &Float32Array::from(&p[..]),
                Gl::DYNAMIC_DRAW,
            );
            gl.bind_vertex_array(None);
            gl.enable_vertex_attrib_array(POSITION);
            gl.vertex_attrib_pointer_with_i32(POSITION, 3, Gl::FLOAT, false, 0, 0);
            gl.uniform1i(self.mode.as_ref(), BALL);
            gl.uniform3fv_with_f32_array(self.colour.as_ref(), &rgb(palette::CURRENT));
            gl.uniform1f(self.point_size.as_ref(), (16.0 * ratio) as f32);
            gl.draw_arrays(Gl::POINTS, 0, 1);
            gl.disable_vertex_attrib_array(POSITION);
        }
        gl.bind_vertex_array(None);
        dom::set_body_data("surface-ms", &format!("{:.2}", dom::now_ms() - start));
    }
}

fn compile(gl: &Gl, kind: u32, source: &str) -> Result<WebGlShader, String> {
    let shader = gl.create_shader(kind).ok_or("no shader")?;
    gl.shader_source(&shader, source);
    gl.compile_shader(&shader);
    if gl
        .get_shader_parameter(&shader, Gl::COMPILE_STATUS)
        .as_bool()
        .unwrap_or(false)
    {
        Ok(shader)
    } else {
        Err(gl.get_shader_info_log(&shader).unwrap_or_default())
    }
}

fn link(gl: &Gl) -> Result<WebGlProgram, String> {
    let vertex = compile(gl, Gl::VERTEX_SHADER, VERTEX_SHADER)?;
    let fragment = compile(gl, Gl::FRAGMENT_SHADER, FRAGMENT_SHADER)?;
    let program = gl.create_program().ok_or("no program")?;
    gl.attach_shader(&program, &vertex);
    gl.attach_shader(&program, &fragment);
    gl.bind_attrib_location(&program, POSITION, "a_position");
    gl.bind_attrib_location(&program, NORMAL, "a_normal");
    gl.bind_attrib_location(&program, COLOUR, "a_colour");
    gl.link_program(&program);
    if gl
        .get_program_parameter(&program, Gl::LINK_STATUS)
        .as_bool()
        .unwrap_or(false)
    {
        Ok(program)
    } else {
        Err(gl.get_program_info_log(&program).unwrap_or_default())
    }
}
