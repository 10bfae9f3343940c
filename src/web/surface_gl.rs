//! The 3-D slice view's WebGL2 renderer: one shader pair (a lit surface coloured per vertex,
//! round dots, a shaded ball, flat lines) and three vertex arrays (the mesh, the trajectory's
//! dots, the floor's square) over the buffers of [`SurfaceMesh`].

use crate::charts::palette;
use crate::charts::surface::{Camera, SurfaceMesh};
use crate::web::canvas::fit_to_css_size;
use crate::web::dom;
use crate::web::surface_view::UNAVAILABLE;
use js_sys::{Float32Array, Object, Reflect, Uint32Array};
use wasm_bindgen::JsCast;
use web_sys::{
    HtmlCanvasElement, WebGl2RenderingContext as Gl, WebGlBuffer, WebGlProgram, WebGlShader,
    WebGlUniformLocation, WebGlVertexArrayObject,
};

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

/// One 3-D canvas: its context, program and buffers, what they hold, and its camera.
pub(crate) struct Surface {
    pub(crate) canvas: HtmlCanvasElement,
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
    pub(crate) camera: Camera,
}

/// Attribute locations, fixed so that every vertex array agrees.
const POSITION: u32 = 0;
const NORMAL: u32 = 1;
const COLOUR: u32 = 2;

impl Surface {
    pub(crate) fn new(canvas: &HtmlCanvasElement) -> Result<Surface, String> {
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
    pub(crate) fn upload(&mut self, mesh: &SurfaceMesh) {
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
    pub(crate) fn render(&mut self) {
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
